import type { Tree } from '@nx/devkit';
import type { z } from 'zod';
import { readsTeamDefaults } from './generator-table.js';
import { teamDefaults } from './team-layers.js';

/** A generator option failed validation; the message names the option and the fix. */
export class OptionsError extends Error {
  override name = 'OptionsError';
}

/**
 * The one wording of a refused generator run: which generator, that nothing was written, then one
 * line per problem, each naming the option (`--name: ...`) and the fix. `generator` is its short
 * name (`docker`) or its answers-record key (`@slipway/nx:docker`).
 */
export function optionsError(generator: string, problems: readonly string[]): OptionsError {
  const key = generator.includes(':') ? generator : `@slipway/nx:${generator}`;
  return new OptionsError(`Invalid options for ${key}; nothing was written.\n${problems.map((p) => `  ${p}`).join('\n')}`);
}

/**
 * Parses raw generator options with a zod schema. Errors name each option as the user typed it
 * (`--name`) and the rule it broke, and are thrown before anything touches the Tree, so nothing
 * is written. A team layer's defaults (defaults.json in the tree) fill the options the user left
 * out, whichever way the generator was run.
 */
export function parseOptions<S extends z.ZodType>(tree: Tree, generator: string, schema: S, raw: unknown): z.output<S> {
  const given = Object.fromEntries(Object.entries((raw ?? {}) as Record<string, unknown>).filter(([, v]) => v !== undefined));
  // schema.json accepts any option, so that an unknown one gets this wording (with the list) rather than Nx's.
  const known = optionNames(schema);
  const unknown = known ? Object.keys(given).filter((key) => !known.includes(key)) : [];
  if (unknown.length > 0) {
    throw optionsError(
      generator,
      unknown.map((key) => `--${key}: is not an option of @slipway/nx:${generator}; the options are ${known!.map((k) => `--${k}`).join(', ')}`),
    );
  }
  const result = schema.safeParse(readsTeamDefaults(generator) ? { ...teamDefaults(tree, generator), ...given } : given);
  if (result.success) return result.data;
  throw optionsError(
    generator,
    result.error.issues.map((issue) => `${issue.path.length > 0 ? `--${issue.path.map(String).join('.')}` : 'options'}: ${issue.message}`),
  );
}

/** The option names of an object schema (also under a refinement or transform); undefined when it has no fixed shape. */
export function optionNames(schema: z.ZodType): string[] | undefined {
  const def = schema.def as { type: string; shape?: Record<string, unknown>; catchall?: z.ZodType; in?: z.ZodType; schema?: z.ZodType };
  // A loose object (the preset, which create-nx-workspace calls with its own options) takes any option.
  if (def.type === 'object' && def.shape) return def.catchall === undefined ? Object.keys(def.shape) : undefined;
  if (def.type === 'pipe' && def.in) return optionNames(def.in);
  return undefined;
}
