import { getProjects, type ProjectConfiguration, type Tree } from '@nx/devkit';
import { ScratchTree } from './scratch-tree.js';

const cache = new WeakMap<Tree, { readonly changes: number; readonly projects: Map<string, ProjectConfiguration> }>();

/**
 * The workspace's projects, as getProjects reads them, but read once per tree state: getProjects
 * parses every project.json on each call, and a generation asks several times (name check, ports,
 * each deployment target), which made generation in a 500-project workspace and `update --all`
 * grow with the square of the project count. A tree's state is its number of pending changes: a
 * new or deleted project file changes it. Callers only use names and roots.
 */
export function projects(tree: Tree): Map<string, ProjectConfiguration> {
  if (tree instanceof ScratchTree && !tree.touchesProjectFiles()) return projects(tree.underlying);
  const changes = tree.listChanges().length;
  const hit = cache.get(tree);
  if (hit && hit.changes === changes) return hit.projects;
  const fresh = getProjects(tree);
  cache.set(tree, { changes, projects: fresh });
  return fresh;
}
