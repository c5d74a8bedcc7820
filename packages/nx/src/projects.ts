import { createHash } from 'node:crypto';
import { getProjects, type ProjectConfiguration, type Tree } from '@nx/devkit';
import { ScratchTree } from './scratch-tree.js';

const cache = new WeakMap<Tree, { readonly key: string; readonly projects: Map<string, ProjectConfiguration> }>();

/** The files getProjects reads from a tree's changes (the rest of the workspace is on disk, fixed). */
const PROJECT_INPUT = /(^|\/)(project\.json|package\.json|angular\.json|pnpm-workspace\.yaml)$/;

/**
 * What the project graph depends on in the tree's pending changes: each changed project input's
 * path, change type and content digest. A count of changes is not enough: a delete and a new
 * project.json, or a project.json rewritten with a new name, leave it equal. Other files are
 * skipped, so writing a service's sources doesn't make the next call read the graph again.
 */
function projectInputsKey(tree: Tree): string {
  const parts: string[] = [];
  for (const change of tree.listChanges()) {
    if (!PROJECT_INPUT.test(change.path)) continue;
    const digest = change.content ? createHash('sha1').update(change.content).digest('base64') : '';
    parts.push(`${change.type} ${change.path} ${digest}`);
  }
  return parts.join('\n');
}

/**
 * The workspace's projects, as getProjects reads them, but read once per tree state: getProjects
 * parses every project.json on each call, and a generation asks several times (name check, ports,
 * each deployment target), which made generation in a 500-project workspace and `update --all`
 * grow with the square of the project count. Callers only use names and roots.
 */
export function projects(tree: Tree): Map<string, ProjectConfiguration> {
  if (tree instanceof ScratchTree && !tree.touchesProjectFiles()) return projects(tree.underlying);
  const key = projectInputsKey(tree);
  const hit = cache.get(tree);
  if (hit && hit.key === key) return hit.projects;
  const fresh = getProjects(tree);
  cache.set(tree, { key, projects: fresh });
  return fresh;
}
