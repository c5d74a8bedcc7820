import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { readJson, type Tree } from '@nx/devkit';
import { z } from 'zod';
import { isSlipwayPlugin } from './names.js';
import { workspaceLayer, type TemplateSource } from './render.js';
import { UntrustedFileError, exactVersion, jsonObject, layerFolder, layerName, parseUntrusted } from './untrusted.js';

/**
 * A platform team's layer: its own templates and option defaults, kept in the workspace and
 * declared in nx.json:
 *
 *   "plugins": [{ "plugin": "@slipway/nx/plugin", "options": { "layers": ["tools/slipway"] } }]
 *
 * Inside the folder: `templates/<layer>/` overlays Slipway's files of the same layer, file by file;
 * `defaults.json` (`{ "<generator>": { "<option>": value } }`) overlays our option defaults;
 * `slipway-layer.json` (`{ "name": ..., "version": ... }`) names it.
 *
 * All of these are repository files a pull request can change: folders, names, versions and
 * defaults are validated before use, and a bad one stops the generator with the field and fix.
 */
export interface TeamLayer {
  readonly path: string;
  readonly name: string;
  readonly version: string;
  /** Content hash of the whole folder: what the answers record keeps to re-render it later. */
  readonly hash: string;
}

/** The parts of nx.json we read; other plugin entries and options pass through unchecked. */
const nxJsonSchema = z.looseObject({
  plugins: z
    .array(z.union([z.string(), z.looseObject({ plugin: z.string(), options: z.looseObject({ layers: z.unknown().optional() }).optional() })]))
    .optional(),
});

const layersOption = z.array(
  z.preprocess((raw) => (typeof raw === 'string' ? raw.replace(/^\.\//, '').replace(/\/+$/, '') : raw), layerFolder),
  { message: 'must be a list of folders, e.g. ["tools/slipway"]' },
);

const manifestSchema = z.looseObject({ name: layerName.optional(), version: exactVersion.optional() });

const defaultsSchema = z.record(z.string(), jsonObject, { message: 'must be an object of option defaults by generator' });

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
  // Already checked by the answers parser; checked again here because this path reaches git.
  if (!layerFolder.safeParse(layer.path).success)
    throw new UntrustedFileError(`team layer path ${JSON.stringify(layer.path)} is not a folder inside the workspace`);
  if (tree.exists(layer.path) && layerHash(tree, layer.path) === layer.hash) return;
  // Literal pathspecs: a recorded path is a folder name, never git pathspec magic such as ":(glob)".
  const git = (args: string[]) =>
    execFileSync('git', ['--literal-pathspecs', ...args], {
      cwd: tree.root,
      encoding: 'buffer',
      stdio: ['ignore', 'pipe', 'ignore'],
      maxBuffer: 64 * 1024 * 1024,
    });
  let commits: string[];
  try {
    commits = git(['log', '--format=%H', '-n', String(HISTORY_DEPTH), '--', layer.path])
      .toString()
      .split('\n')
      .filter(Boolean);
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

const LAYERS_FIX = 'list folders relative to the workspace root, e.g. "layers": ["tools/slipway"].';

/**
 * The folders of a Slipway plugin entry's `layers` option (nx.json `plugins[index]`), normalized
 * ("./x/" is "x") and checked to be folders inside the workspace.
 */
export function layerFolders(layers: unknown, index: number): string[] {
  return parseUntrusted(layersOption, layers, 'nx.json', LAYERS_FIX, ['plugins', index, 'options', 'layers']);
}

/** The team layers nx.json declares, in order (later ones win). A declared folder that is missing is an error. */
export function teamLayers(tree: Tree): TeamLayer[] {
  if (!tree.exists('nx.json')) return [];
  const entries = parseUntrusted(nxJsonSchema, readJson<object>(tree, 'nx.json'), 'nx.json', LAYERS_FIX).plugins ?? [];
  const paths = entries.flatMap((entry, index) => {
    if (typeof entry === 'string' || !isSlipwayPlugin(entry) || entry.options?.layers === undefined) return [];
    return layerFolders(entry.options.layers, index);
  });
  return paths.map((path) => {
    if (!tree.exists(path)) throw new UntrustedFileError(`nx.json declares the Slipway layer "${path}", but there is no such folder`);
    const manifestFile = `${path}/slipway-layer.json`;
    const meta = tree.exists(manifestFile)
      ? parseUntrusted(
          manifestSchema,
          readJson<object>(tree, manifestFile),
          manifestFile,
          'give the layer a "name" (letters, digits, "@", ".", "_", "/", "-") and an exact "version" such as 1.0.0.',
        )
      : {};
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
    const all = layerDefaults(tree, team);
    defaults = { ...defaults, ...(Object.hasOwn(all, generator) ? all[generator] : {}) };
  }
  return defaults;
}

function layerDefaults(tree: Tree, team: TeamLayer): Record<string, Record<string, unknown>> {
  const file = `${team.path}/defaults.json`;
  if (!tree.exists(file)) return {};
  const fix = 'write { "<generator>": { "<option>": value } }, e.g. { "new-mcp-service": { "database": "postgres" } }.';
  return parseUntrusted(defaultsSchema, readJson<object>(tree, file), file, fix);
}

/**
 * Validates every team layer file Slipway reads (nx.json's layers, each manifest and defaults
 * file), throwing the first problem: for commands that must refuse before doing anything.
 */
export function validateTeamLayers(tree: Tree): void {
  for (const team of teamLayers(tree)) layerDefaults(tree, team);
}
