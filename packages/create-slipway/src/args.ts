import { parseArgs } from 'node:util';
import { checkDatabase, checkLayer, checkName, checkRegistry, checkService, normalizeLayer, type Database } from './answers.js';

export const usage = `Usage: npx create-slipway [name] [options]

Creates an Nx workspace for MCP services on Slipway's standard layout.

Options:
  --yes, -y            Take the defaults for every question not answered by a flag (no prompts).
  --service <name>     Generate a first MCP service under services/<name>.
  --database <db>      The first service's database: pglite (default), postgres or none.
  --layer <folder>     Add a team layer (your templates and defaults) in this folder, e.g. tools/slipway;
                       "none" for no layer.
  --registry <url>     Install @slipway packages from this registry (written to the workspace's .npmrc).
  --help, -h           Show this help.
  --version, -v        Show the version.`;

/** Flags as given: each answer is absent when the user didn't say. */
export interface Flags {
  readonly name?: string;
  readonly yes: boolean;
  readonly service?: string;
  readonly database?: Database;
  /** Absent: not said; null: `--layer none`. */
  readonly layer?: string | null;
  readonly registry?: string;
  readonly help: boolean;
  readonly version: boolean;
}

/** A command line the user has to fix; the message says how. */
export class UsageError extends Error {
  override name = 'UsageError';
}

export function parseFlags(argv: readonly string[]): Flags {
  let parsed;
  try {
    parsed = parseArgs({
      args: [...argv],
      allowPositionals: true,
      strict: true,
      options: {
        yes: { type: 'boolean', short: 'y', default: false },
        service: { type: 'string' },
        database: { type: 'string' },
        layer: { type: 'string' },
        registry: { type: 'string' },
        help: { type: 'boolean', short: 'h', default: false },
        version: { type: 'boolean', short: 'v', default: false },
      },
    });
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
  const { values, positionals } = parsed;
  if (positionals.length > 1) throw new UsageError(`one workspace name, please (got ${positionals.map((p) => `"${p}"`).join(', ')})`);

  const problems: string[] = [];
  const check = (flag: string, value: string | undefined, rule: (v: string) => string | undefined) => {
    const problem = value === undefined ? undefined : rule(value);
    if (problem) problems.push(`${flag}: ${problem}`);
  };
  const name = positionals[0];
  const service = values.service?.trim() || undefined;
  const layer = values.layer === undefined ? undefined : (normalizeLayer(values.layer) ?? null);
  check('name', name, checkName);
  check('--service', service, checkService);
  check('--database', values.database, checkDatabase);
  check('--layer', layer ?? undefined, checkLayer);
  check('--registry', values.registry, checkRegistry);
  if (values.database !== undefined && values.service !== undefined && service === undefined) {
    problems.push('--database: is the first service’s database; give --service too');
  }
  if (problems.length > 0) throw new UsageError(problems.join('\n'));

  return {
    ...(name !== undefined ? { name } : {}),
    yes: values.yes === true,
    ...(service !== undefined ? { service } : {}),
    ...(values.database !== undefined ? { database: values.database as Database } : {}),
    ...(layer !== undefined ? { layer } : {}),
    ...(values.registry !== undefined ? { registry: values.registry } : {}),
    help: values.help === true,
    version: values.version === true,
  };
}
