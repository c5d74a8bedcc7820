import type { z } from 'zod';

/** A generator option failed validation; the message names the option and the fix. */
export class OptionsError extends Error {
  override name = 'OptionsError';
}

/**
 * Parses raw generator options with a zod schema. Errors name each option as the user typed it
 * (`--name`) and the rule it broke, and are thrown before anything touches the Tree, so nothing
 * is written.
 */
export function parseOptions<S extends z.ZodType>(generator: string, schema: S, raw: unknown): z.output<S> {
  const result = schema.safeParse(raw ?? {});
  if (result.success) return result.data;
  const lines = result.error.issues.map((issue) => {
    const option = issue.path.length > 0 ? `--${issue.path.map(String).join('.')}` : 'options';
    return `  ${option}: ${issue.message}`;
  });
  return fail(generator, lines);
}

function fail(generator: string, lines: string[]): never {
  throw new OptionsError(`Invalid options for @slipway/nx:${generator}; nothing was written.\n${lines.join('\n')}`);
}
