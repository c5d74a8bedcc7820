import { join } from 'node:path';
import { parseFlags, usage, UsageError } from './args.js';
import { createWorkspace, nextSteps, StepFailed } from './create.js';
import { targetProblem, type FileSystem } from './fs-port.js';
import type { PlanVersions } from './plan.js';
import { ask, Cancelled, type Prompt } from './questions.js';
import type { Runner } from './runner.js';

/** Everything main needs from the outside world, so that tests can give it memfs and a fake runner. */
export interface MainContext {
  readonly fs: FileSystem;
  readonly run: Runner;
  readonly prompt: Prompt;
  readonly interactive: boolean;
  readonly cwd: string;
  readonly versions: PlanVersions;
  readonly log: (line: string) => void;
  readonly error: (line: string) => void;
}

/** `create-slipway [name] [options]`; resolves to the exit code. */
export async function main(argv: readonly string[], ctx: MainContext): Promise<number> {
  try {
    const flags = parseFlags(argv);
    if (flags.help) {
      ctx.log(usage);
      return 0;
    }
    if (flags.version) {
      ctx.log(ctx.versions.slipway);
      return 0;
    }
    const answers = await ask(flags, {
      prompt: ctx.prompt,
      interactive: ctx.interactive,
      targetProblem: (name) => targetProblem(ctx.fs, join(ctx.cwd, name)),
    });
    await createWorkspace(answers, ctx);
    ctx.log(
      `\nDone. Next:\n${nextSteps(answers)
        .map((line) => `  ${line}`)
        .join('\n')}`,
    );
    return 0;
  } catch (error) {
    if (error instanceof UsageError) {
      ctx.error(`create-slipway: ${error.message.replaceAll('\n', '\n  ')}\nSee npx create-slipway --help.`);
      return 2;
    }
    if (error instanceof Cancelled || error instanceof StepFailed) {
      ctx.error(error.message);
      return 1;
    }
    ctx.error(`create-slipway: ${(error as Error).message}`);
    return 1;
  }
}
