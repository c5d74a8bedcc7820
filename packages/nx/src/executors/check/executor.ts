import { createRequire } from 'node:module';
import { logger, type ExecutorContext, type Tree } from '@nx/devkit';
import { driftReport } from '../../drift.js';
import { DRIFTING_STATES } from '../../file-ownership.js';

const require = createRequire(import.meta.url);

export interface CheckOptions {
  readonly ci?: boolean;
}

/** `nx run <project>:slipway-check` (an inferred target): the drift report; non-zero in CI mode when anything is off. */
export default async function checkExecutor(options: CheckOptions, context: ExecutorContext): Promise<{ success: boolean }> {
  // A read-only view of the workspace: the devkit has no public constructor for one.
  const { FsTree } = require('nx/src/devkit-internals') as { FsTree: new (root: string, verbose: boolean) => Tree };
  const project = context.projectName!;
  const root = context.projectsConfigurations.projects[project]!.root;
  const report = await driftReport(new FsTree(context.root, false), project, root);
  for (const generation of report.generations) {
    const off = generation.files.filter((f) => DRIFTING_STATES.has(f.state));
    logger.info(
      `${project} · ${generation.generator} (rendered by ${generation.recordedVersion}): ${off.length === 0 ? 'in sync' : `${off.length} file(s) differ`}`,
    );
    for (const f of off) logger.info(`  ${f.state.padEnd(16)} ${f.path}`);
  }
  if (report.updateAvailable) logger.info(`An update is available: nx g @slipway/nx:update ${project}`);
  const ci = options.ci ?? Boolean(process.env['CI'] && process.env['CI'] !== 'false');
  return { success: !ci || (report.drifted === 0 && !report.updateAvailable) };
}
