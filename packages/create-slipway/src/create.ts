import { resolve } from 'node:path';
import type { Answers } from './answers.js';
import { targetProblem, writeFiles, type FileSystem } from './fs-port.js';
import { planWorkspace, type PlanVersions, type Step } from './plan.js';
import type { Runner } from './runner.js';

export interface CreateContext {
  readonly fs: FileSystem;
  readonly run: Runner;
  readonly log: (line: string) => void;
  /** Where the workspace folder goes. */
  readonly cwd: string;
  readonly versions: PlanVersions;
}

/** A step failed after the folder was made; the message says what is left to do. */
export class StepFailed extends Error {
  override name = 'StepFailed';
}

const commandLine = (step: Step) => [step.command, ...step.args].join(' ');

/**
 * Creates the workspace: refuses a folder that is in use, writes the planned files, then runs
 * the steps (git, npm, the preset) in order. Returns the workspace's folder.
 */
export async function createWorkspace(answers: Answers, ctx: CreateContext): Promise<string> {
  const dir = resolve(ctx.cwd, answers.name);
  const problem = await targetProblem(ctx.fs, dir);
  if (problem) throw new Error(problem);

  const plan = planWorkspace(answers, ctx.versions);
  ctx.log(`Creating ${answers.name} in ${dir}`);
  await writeFiles(ctx.fs, dir, plan.files);

  for (const [index, step] of plan.steps.entries()) {
    ctx.log(`\n${step.title}: ${commandLine(step)}`);
    try {
      await ctx.run(step, dir);
    } catch (error) {
      const reason = (error as Error).message;
      if (step.optional) {
        ctx.log(`Skipped (${reason}).`);
        continue;
      }
      const rest = plan.steps.slice(index).filter((s) => !s.optional);
      throw new StepFailed(
        [
          `${step.title} failed: ${reason}.`,
          `The workspace in ${dir} is only half made. Fix the cause, then run there:`,
          ...rest.map((s) => `  ${commandLine(s)}`),
          `or delete ${dir} and start again.`,
        ].join('\n'),
      );
    }
  }
  return dir;
}

/** What to do next, for the closing message. */
export function nextSteps(answers: Answers): string[] {
  return [
    `cd ${answers.name}`,
    'npx nx show projects',
    ...(answers.service ? [`npx nx build ${answers.service}`, `npx nx serve ${answers.service}`] : []),
    'npx nx g @slipway/nx:new-mcp-service <name>',
  ];
}
