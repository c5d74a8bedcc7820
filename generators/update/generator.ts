import { logger, type GeneratorCallback, type Tree } from '@nx/devkit';
import { answersFileName } from '../../packages/nx/src/answers.js';
import { optionsError, parseOptions } from '../../packages/nx/src/options.js';
import { registryLoader, type RenderingApiLoader } from '../../packages/nx/src/slipway-versions.js';
import { projects } from '../../packages/nx/src/projects.js';
import { managedProjects, refuseUntrustedInput, updateProject } from '../../packages/nx/src/update-project.js';
import { conflictedFiles, reportUpdates } from './lib/report.js';
import { updateSchema, type UpdateSchema } from './schema.js';

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
  const options = parseOptions(tree, 'update', updateSchema, schema);
  const selected = managedProjects(tree).filter(([name]) => options.all || name === options.project);
  if (!options.all && selected.length === 0) {
    const reason = projects(tree).has(options.project!)
      ? `it has no ${answersFileName} (adopt it first: nx g @slipway/nx:adopt ${options.project})`
      : 'there is no such project';
    throw optionsError('update', [`--project: cannot update "${options.project}": ${reason}.`]);
  }
  refuseUntrustedInput(
    tree,
    selected.map(([, project]) => project.root),
    '@slipway/nx:update',
  );
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
