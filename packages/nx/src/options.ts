import type { Tree } from '@nx/devkit';
import type { z } from 'zod';
import { teamDefaults } from './team-layers.js';

/** A generator option failed validation; the message names the option and the fix. */
export class OptionsError extends Error {
  override name = 'OptionsError';
}

/**
 * Parses raw generator options with a zod schema. Errors name each option as the user typed it
 * (`--name`) and the rule it broke, and are thrown before anything touches the Tree, so nothing
 * is written. Given the Tree, a team layer's defaults fill the options the user left out.
 */
export function parseOptions<S extends z.ZodType>(generator: string, schema: S, raw: unknown, tree?: Tree): z.output<S> {
  const given = Object.fromEntries(Object.entries((raw ?? {}) as Record<string, unknown>).filter(([, v]) => v !== undefined));
  const result = schema.safeParse(tree ? { ...teamDefaults(tree, generator), ...given } : given);
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
