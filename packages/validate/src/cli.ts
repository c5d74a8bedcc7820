import { createRequire } from 'node:module';
import { resolve } from 'node:path';
import { getProjects, type Tree } from '@nx/devkit';
import { answersFileName } from '@slipway/nx/answers';
import { validateLayer, type SkippedCheck } from './index.js';
import { problemLine } from './locate.js';
import { recordedGenerations } from './recorded.js';

const require = createRequire(import.meta.url);

export const usage = 'usage: slipway-validate [workspace] [project ...] [--json] [--require-tools]';

export interface CliIo {
  readonly env: NodeJS.ProcessEnv;
  readonly out: (line: string) => void;
  readonly err: (line: string) => void;
}

export interface ReportedProblem {
  readonly project: string;
  readonly generator: string;
  /** From the workspace root. */
  readonly file: string;
  readonly line: number;
  readonly rule: string;
  readonly message: string;
}

export interface ValidationReport {
  readonly ok: boolean;
  readonly checked: ReadonlyArray<{ readonly project: string; readonly generator: string; readonly files: number }>;
  readonly problems: readonly ReportedProblem[];
  readonly skipped: ReadonlyArray<SkippedCheck & { readonly projects: readonly string[] }>;
}

function workspaceTree(root: string): Tree {
  // Nx's own file-system Tree, so getProjects reads project.json and package.json projects as Nx does.
  const { FsTree } = require('nx/src/devkit-internals') as { FsTree: new (root: string, verbose: boolean) => Tree };
  return new FsTree(root, false);
}

/** Validates every managed artifact of the recorded generations of the selected (or all managed) projects. */
export async function validateWorkspace(
  root: string,
  only: readonly string[],
  path: string | undefined,
): Promise<Omit<ValidationReport, 'ok'> & { unknown: string[] }> {
  const tree = workspaceTree(root);
  const projects = getProjects(tree);
  const unknown = only.filter((name) => !projects.has(name));
  const checked: Array<ValidationReport['checked'][number]> = [];
  const problems: ReportedProblem[] = [];
  const skipped = new Map<string, SkippedCheck & { projects: string[] }>();
  for (const [project, config] of [...projects].sort(([a], [b]) => a.localeCompare(b))) {
    if ((only.length > 0 && !only.includes(project)) || !tree.exists(`${config.root}/${answersFileName}`)) continue;
    for (const generation of recordedGenerations(tree, config.root)) {
      const result = await validateLayer(generation.layer, generation.files, { root, path });
      checked.push({ project, generator: generation.generator, files: generation.files.size });
      for (const problem of result.problems) {
        const file = generation.base ? `${generation.base}/${problem.file}` : problem.file;
        const line = problemLine(generation.files.get(problem.file) ?? '', problem.message, problem.line);
        problems.push({ project, generator: generation.generator, file, line, rule: problem.rule, message: problem.message });
      }
      for (const skip of result.skipped) {
        const key = `${skip.check}\0${skip.tool}`;
        const entry = skipped.get(key) ?? { ...skip, projects: [] };
        if (!entry.projects.includes(project)) entry.projects.push(project);
        skipped.set(key, entry);
      }
    }
  }
  return { checked, problems, skipped: [...skipped.values()], unknown };
}

/** `slipway-validate`; resolves to the exit code (0 valid, 1 problems or required tools missing, 2 usage). */
export async function runCli(argv: readonly string[], io: CliIo): Promise<number> {
  const flags = new Set(argv.filter((arg) => arg.startsWith('--')));
  const unknownFlag = [...flags].find((flag) => !['--json', '--require-tools', '--help'].includes(flag));
  if (unknownFlag || flags.has('--help')) {
    (unknownFlag ? io.err : io.out)(unknownFlag ? `slipway-validate: unknown option ${unknownFlag}\n${usage}` : usage);
    return unknownFlag ? 2 : 0;
  }
  const [workspace = '.', ...only] = argv.filter((arg) => !arg.startsWith('--'));
  const requireTools = flags.has('--require-tools');
  let result: Awaited<ReturnType<typeof validateWorkspace>>;
  try {
    result = await validateWorkspace(resolve(workspace), only, io.env['PATH']);
  } catch (error) {
    // A bad answers record (UntrustedFileError) or an unreadable workspace: one line, no stack.
    io.err(`slipway-validate: ${(error as Error).message}`);
    return 1;
  }
  if (result.unknown.length > 0) {
    io.err(`slipway-validate: no project named ${result.unknown.join(', ')} in ${workspace}`);
    return 2;
  }
  const ok = result.problems.length === 0 && (!requireTools || result.skipped.length === 0);
  if (flags.has('--json')) {
    const { unknown: _unknown, ...report } = result;
    io.out(JSON.stringify({ ok, ...report } satisfies ValidationReport, null, 2));
    return ok ? 0 : 1;
  }
  for (const problem of result.problems) io.out(`${problem.file}:${problem.line}: ${problem.rule}: ${problem.message}`);
  for (const skip of result.skipped) {
    const what = skip.part ? `${skip.part} (part of ${skip.check})` : skip.check;
    io.err(`${requireTools ? 'error' : 'warning'}: ${what} did not run: ${skip.tool} is not on PATH (${skip.projects.join(', ')}); install: ${skip.install}`);
  }
  const files = result.checked.reduce((sum, check) => sum + check.files, 0);
  io.err(
    `slipway-validate: ${result.problems.length} problem(s) in ${files} managed file(s) of ${result.checked.length} generation(s)` +
      (result.skipped.length > 0 ? `; ${result.skipped.length} check(s) skipped${requireTools ? ' (--require-tools)' : ''}` : ''),
  );
  return ok ? 0 : 1;
}
