import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { readJson, type Tree } from '@nx/devkit';
import { workspaceLayer, type TemplateSource } from './render.js';

/**
 * A platform team's layer: its own templates and option defaults, kept in the workspace and
 * declared in nx.json:
 *
 *   "plugins": [{ "plugin": "@slipway/nx/plugin", "options": { "layers": ["tools/slipway"] } }]
 *
 * Inside the folder: `templates/<layer>/` overlays Slipway's files of the same layer, file by file;
 * `defaults.json` (`{ "<generator>": { "<option>": value } }`) overlays our option defaults;
 * `slipway-layer.json` (`{ "name": ..., "version": ... }`) names it.
 */
export interface TeamLayer {
  readonly path: string;
  readonly name: string;
  readonly version: string;
  /** Content hash of the whole folder: what the answers record keeps to re-render it later. */
  readonly hash: string;
}

const PLUGIN_NAMES = new Set(['@slipway/nx', '@slipway/nx/plugin']);

interface NxJsonPlugins {
  plugins?: Array<string | { plugin: string; options?: { layers?: unknown } }>;
}

function filesUnder(tree: Tree, dir: string): string[] {
  return tree
    .children(dir)
    .sort()
    .flatMap((child) => (tree.isFile(`${dir}/${child}`) ? [`${dir}/${child}`] : filesUnder(tree, `${dir}/${child}`)));
}

/** Hash of a folder's files (paths relative to it, sorted, with their bytes). */
function hashFiles(files: ReadonlyMap<string, Buffer>): string {
  const hash = createHash('sha256');
  for (const rel of [...files.keys()].sort()) hash.update(`${rel}\0`).update(files.get(rel)!).update('\0');
  return `sha256:${hash.digest('hex')}`;
}

function readFolder(tree: Tree, dir: string): Map<string, Buffer> {
  return new Map(filesUnder(tree, dir).map((file) => [file.slice(dir.length + 1), tree.read(file) ?? Buffer.alloc(0)]));
}

export function layerHash(tree: Tree, dir: string): string {
  return hashFiles(readFolder(tree, dir));
}

const HISTORY_DEPTH = 200;

/**
 * Puts a team layer back as it was when a generation was recorded, found by its hash in the
 * workspace's git history (newest first). Used on a scratch tree to re-render the base of an update.
 */
export function restoreTeamLayer(tree: Tree, layer: { path: string; name: string; hash: string }): void {
  if (tree.exists(layer.path) && layerHash(tree, layer.path) === layer.hash) return;
  const git = (args: string[]) => execFileSync('git', args, { cwd: tree.root, encoding: 'buffer', stdio: ['ignore', 'pipe', 'ignore'], maxBuffer: 64 * 1024 * 1024 });
  let commits: string[];
  try {
    commits = git(['log', '--format=%H', '-n', String(HISTORY_DEPTH), '--', layer.path]).toString().split('\n').filter(Boolean);
  } catch {
    throw new Error(`team layer ${layer.name} has changed and the workspace has no git history to find its earlier version`);
  }
  for (const commit of commits) {
    const names = git(['ls-tree', '-r', '--name-only', commit, '--', layer.path]).toString().split('\n').filter(Boolean);
    const files = new Map(names.map((name) => [name.slice(layer.path.length + 1), git(['show', `${commit}:${name}`])]));
    if (hashFiles(files) !== layer.hash) continue;
    if (tree.exists(layer.path)) tree.delete(layer.path);
    for (const [rel, content] of files) tree.write(`${layer.path}/${rel}`, content);
    return;
  }
  throw new Error(`team layer ${layer.name} as recorded (${layer.hash.slice(0, 19)}…) is not in the last ${HISTORY_DEPTH} commits`);
}

/** The team layers nx.json declares, in order (later ones win). A declared folder that is missing is an error. */
export function teamLayers(tree: Tree): TeamLayer[] {
  if (!tree.exists('nx.json')) return [];
  const entries = readJson<NxJsonPlugins>(tree, 'nx.json').plugins ?? [];
  const paths = entries.flatMap((entry) => {
    if (typeof entry === 'string' || !PLUGIN_NAMES.has(entry.plugin)) return [];
    const layers = entry.options?.layers;
    if (layers === undefined) return [];
    if (!Array.isArray(layers) || !layers.every((l) => typeof l === 'string')) {
      throw new Error('nx.json: the @slipway/nx plugin option "layers" must be a list of folders, e.g. ["tools/slipway"]');
    }
    return layers as string[];
  });
  return paths.map((raw) => {
    const path = raw.replace(/^\.\//, '').replace(/\/+$/, '');
    if (!tree.exists(path)) throw new Error(`nx.json declares the Slipway layer "${path}", but there is no such folder`);
    const meta = tree.exists(`${path}/slipway-layer.json`) ? readJson<{ name?: string; version?: string }>(tree, `${path}/slipway-layer.json`) : {};
    return { path, name: meta.name ?? path, version: meta.version ?? '0.0.0', hash: layerHash(tree, path) };
  });
}

/** The team's templates for these layers, to render on top of ours. */
export function teamTemplateSources(tree: Tree, teams: readonly TeamLayer[], layers: readonly string[]): TemplateSource[] {
  return teams.flatMap((team) => layers.flatMap((layer) => workspaceLayer(tree, `${team.path}/templates/${layer}`) ?? []));
}

/** The team's option defaults for a generator (later layers win); options given explicitly win over them. */
export function teamDefaults(tree: Tree, generator: string): Record<string, unknown> {
  let defaults: Record<string, unknown> = {};
  for (const team of teamLayers(tree)) {
    const file = `${team.path}/defaults.json`;
    if (!tree.exists(file)) continue;
    const all = readJson<Record<string, Record<string, unknown>>>(tree, file);
    defaults = { ...defaults, ...(all[generator] ?? {}) };
  }
  return defaults;
}
