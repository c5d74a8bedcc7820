import { logger, type GeneratorCallback, type Tree } from '@nx/devkit';
import { answersFileName, readAnswers } from '../../packages/nx/src/answers.js';
import { OptionsError, parseOptions } from '../../packages/nx/src/options.js';
import { registryLoader, type RenderingApiLoader } from '../../packages/nx/src/slipway-versions.js';
import { validateTeamLayers } from '../../packages/nx/src/team-layers.js';
import { UntrustedFileError } from '../../packages/nx/src/untrusted.js';
import { conflictedFiles, reportUpdates } from './lib/report.js';
import { updateProject } from './lib/update-project.js';
import { updateSchema, type UpdateSchema } from './schema.js';
import { projects } from '../../packages/nx/src/projects.js';

// Nx does not pass --dry-run to generators; a dry run is when the user most wants the diff.
const isDryRun = () => process.argv.includes('--dry-run') || process.argv.includes('-d');

/**
 * `nx g @slipway/nx:update <project> | --all`: brings generated files up to the installed Slipway,
 * merging the template changes into the user's edits. Conflicts are left marked and listed, and
 * the command exits non-zero.
 */
export default async function updateGenerator(
  tree: Tree,
  schema: UpdateSchema,
  loadVersion: RenderingApiLoader = registryLoader(tree.root),
): Promise<GeneratorCallback> {
  const options = parseOptions('update', updateSchema, schema);
  const selected = [...projects(tree)]
    .filter(([name, project]) => (options.all || name === options.project) && tree.exists(`${project.root}/${answersFileName}`))
    .sort(([a], [b]) => a.localeCompare(b));
  if (!options.all && selected.length === 0) {
    const reason = projects(tree).has(options.project!) ? `it has no ${answersFileName} (adopt it first: nx g @slipway/nx:adopt ${options.project})` : 'there is no such project';
    throw new OptionsError(`Invalid options for @slipway/nx:update; nothing was written.\n  --project: cannot update "${options.project}": ${reason}.`);
  }
  refuseUntrustedInput(tree, selected.map(([, project]) => project.root));
  const conflicts: string[] = [];
  for (const [name, project] of selected) {
    const updates = await updateProject(tree, project.root, { loadVersion, twoWay: options.twoWay });
    reportUpdates(name, updates, options.diff || isDryRun());
    conflicts.push(...conflictedFiles(updates));
  }
  if (conflicts.length > 0) {
    logger.error(`Conflicts in ${conflicts.length} file(s); resolve the <<<<<<< markers, then commit:\n${conflicts.map((c) => `  ${c}`).join('\n')}`);
  }
  return () => {
    if (conflicts.length > 0) process.exitCode = 1;
  };
}

/**
 * Answers records and team layers are repository files that a pull request can change, and the
 * update turns them into paths, npm specs and imports. All of them are validated first, so that
 * a bad one refuses the whole update before anything is rendered, loaded, installed or written.
 */
function refuseUntrustedInput(tree: Tree, roots: readonly string[]): void {
  const problems: string[] = [];
  const check = (read: () => unknown) => {
    try {
      read();
    } catch (error) {
      if (!(error instanceof UntrustedFileError)) throw error;
      problems.push(error.message);
    }
  };
  for (const root of roots) check(() => readAnswers(tree, root));
  check(() => validateTeamLayers(tree));
  if (problems.length > 0) throw new UntrustedFileError(`@slipway/nx:update refused; nothing was written.\n${problems.join('\n')}`);
}
