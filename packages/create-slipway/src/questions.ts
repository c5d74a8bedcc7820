import type { PromptObject } from 'prompts';
import { checkLayer, checkName, checkService, databases, DEFAULT_LAYER, DEFAULT_NAME, normalizeLayer, type Answers, type Database } from './answers.js';
import { UsageError, type Flags } from './args.js';

/** The `prompts` function, or a stand-in with its signature (tests). */
export type Prompt = (questions: PromptObject[], options: { onCancel: () => boolean }) => Promise<Record<string, unknown>>;

export interface AskContext {
  readonly prompt: Prompt;
  /** Whether there is a terminal to ask in. */
  readonly interactive: boolean;
  /** Why the folder for this name can't be used, if it can't (checked while the user types). */
  readonly targetProblem: (name: string) => Promise<string | undefined>;
}

export class Cancelled extends Error {
  override name = 'Cancelled';
}

const DATABASE_LABELS: Record<Database, string> = {
  pglite: 'Embedded PGlite (PostgreSQL when DATABASE_URL is set)',
  postgres: 'PostgreSQL server only',
  none: 'No database',
};

const asPromptCheck = (check: (value: string) => string | undefined) => (value: string) => check(value.trim()) ?? true;

/** The questions the flags left open; with --yes, none (the defaults answer them). */
function questions(flags: Flags, ctx: AskContext): PromptObject[] {
  const list: PromptObject[] = [];
  if (flags.name === undefined) {
    list.push({
      type: 'text',
      name: 'name',
      message: 'Workspace name (also its folder)',
      initial: DEFAULT_NAME,
      format: (value: string) => value.trim(),
      validate: async (value: string) => checkName(value.trim()) ?? (await ctx.targetProblem(value.trim())) ?? true,
    });
  }
  if (flags.service === undefined) {
    list.push({
      type: 'text',
      name: 'service',
      message: 'First MCP service (leave empty to add services later)',
      initial: '',
      format: (value: string) => value.trim(),
      validate: (value: string) => (value.trim() === '' ? true : asPromptCheck(checkService)(value)),
    });
  }
  if (flags.database === undefined) {
    list.push({
      // Asked only when there is a first service to give it to.
      type: (_prev: unknown, values: Record<string, unknown>) => ((flags.service ?? values['service']) ? 'select' : null),
      name: 'database',
      message: 'Database of the first service',
      choices: databases.map((value) => ({ title: DATABASE_LABELS[value], value })),
      initial: 0,
    });
  }
  if (flags.layer === undefined) {
    list.push(
      {
        type: 'confirm',
        name: 'withLayer',
        message: 'Add a team layer (your own templates and option defaults on top of Slipway’s)?',
        initial: false,
      },
      {
        type: (prev: unknown) => (prev === true ? 'text' : null),
        name: 'layer',
        message: 'Team layer folder',
        initial: DEFAULT_LAYER,
        format: (value: string) => value.trim(),
        validate: asPromptCheck(checkLayer),
      },
    );
  }
  return list;
}

/**
 * Completes the answers: flags first, then prompts for the rest, or the defaults with --yes
 * (no service, no team layer, Slipway's default database).
 */
export async function ask(flags: Flags, ctx: AskContext): Promise<Answers> {
  const open = flags.yes ? [] : questions(flags, ctx);
  if (open.length > 0 && !ctx.interactive) {
    throw new UsageError('there is no terminal to ask in: pass --yes to take the defaults, and flags for the rest (see --help)');
  }
  let cancelled = false;
  const onCancel = () => {
    cancelled = true;
    return false; // stop asking
  };
  const given = open.length > 0 ? await ctx.prompt(open, { onCancel }) : {};
  if (cancelled) throw new Cancelled('Cancelled; nothing was created.');

  const text = (key: string) => (typeof given[key] === 'string' ? given[key] : undefined);
  const name = flags.name ?? text('name') ?? DEFAULT_NAME;
  const service = flags.service ?? (text('service') || undefined);
  const database = flags.database ?? (text('database') as Database | undefined);
  const layer = flags.layer === null ? undefined : (flags.layer ?? (given['withLayer'] === true ? normalizeLayer(text('layer')) : undefined));
  if (database !== undefined && service === undefined) {
    throw new UsageError('--database: is the first service’s database; give --service too');
  }
  return {
    name,
    ...(service ? { service } : {}),
    ...(service && database ? { database } : {}),
    ...(layer ? { layer } : {}),
    ...(flags.registry ? { registry: flags.registry } : {}),
  };
}
