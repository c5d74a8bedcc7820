import type { Tree } from '@nx/devkit';
import { parseOptions } from '../../packages/nx/src/options.js';
import { registryLoader, type RenderingApiLoader } from '../../packages/nx/src/slipway-versions.js';
import { managedProjects, refuseUntrustedInput, updateProject, type UpdateOutcome } from '../../packages/nx/src/update-project.js';
import { syncSchema, type SyncSchema } from './schema.js';

/** What the shape of an Nx sync generator's result is (nx/src/utils/sync-generators). */
export interface SyncResult {
  readonly outOfSyncMessage: string;
  readonly outOfSyncDetails: string[];
}

const snapshot = (tree: Tree) => JSON.stringify(tree.listChanges().map((c) => [c.path, c.type, c.content?.toString('base64')]));

const CHANGES: ReadonlySet<UpdateOutcome> = new Set(['updated', 'created', 'removed', 'merged', 'conflict']);

/**
 * `nx sync` / `nx sync:check` (registered in nx.json `sync.globalGenerators`): the update of every
 * Slipway project, as an Nx sync generator. Nx counts the workspace out of sync when the update
 * would change a file, so `nx sync:check` fails when Slipway-owned files are behind the installed
 * templates and `nx sync` brings them forward, keeping the user's edits (three-way merge) and
 * their own files, targets and deletions.
 */
export default async function syncGenerator(
  tree: Tree,
  schema: SyncSchema = {},
  loadVersion: RenderingApiLoader = registryLoader(tree.root),
): Promise<SyncResult | undefined> {
  parseOptions(tree, 'sync', syncSchema, schema);
  const before = snapshot(tree);
  const managed = managedProjects(tree);
  refuseUntrustedInput(
    tree,
    managed.map(([, project]) => project.root),
    '@slipway/nx:sync',
  );
  const details: string[] = [];
  for (const [, project] of managed) {
    for (const generation of await updateProject(tree, project.root, { loadVersion, twoWay: false })) {
      for (const file of generation.files) if (CHANGES.has(file.outcome)) details.push(`${file.outcome.padEnd(9)} ${file.path}`);
    }
  }
  // A record brought to this version is a change too, even when no file is.
  if (snapshot(tree) === before) return undefined;
  return {
    outOfSyncMessage:
      'Slipway-managed files are behind the installed @slipway/nx. Run `nx sync` (or `nx g @slipway/nx:update --all`) to bring them forward; your edits are kept.',
    outOfSyncDetails: details,
  };
}
