import { readJson, updateJson, writeJson, type Tree } from '@nx/devkit';
import { posix } from 'node:path';
import picomatch from 'picomatch';
import { isSlipwayPlugin, SLIPWAY_PLUGIN, SLIPWAY_SYNC_GENERATOR, type NxJson } from './names.js';

interface RootPackageJson {
  workspaces?: string[] | { packages?: string[] };
  devDependencies?: Record<string, string>;
  dependencies?: Record<string, string>;
}

function workspaceGlobs(pkg: RootPackageJson): string[] {
  const ws: unknown = Array.isArray(pkg.workspaces) ? pkg.workspaces : pkg.workspaces?.packages;
  return Array.isArray(ws) ? ws.filter((glob): glob is string => typeof glob === 'string') : [];
}

/** Whether the root package.json's workspaces globs list the folder, as npm matches them (picomatch). */
export function isWorkspaceMember(tree: Tree, projectRoot: string): boolean {
  if (!tree.exists('package.json') || projectRoot === '' || projectRoot === '.') return false;
  const globs = workspaceGlobs(readJson<RootPackageJson>(tree, 'package.json')).map((glob) => glob.replace(/^\.\//, '').replace(/\/+$/, ''));
  return globs.length > 0 && picomatch(globs)(projectRoot);
}

/** Makes the project an npm workspace member, so one `npm install` at the root installs it. */
export function ensureWorkspaceMember(tree: Tree, projectRoot: string): void {
  if (!tree.exists('package.json') || isWorkspaceMember(tree, projectRoot)) return;
  const parentGlob = posix.join(posix.dirname(projectRoot), '*');
  updateJson<RootPackageJson>(tree, 'package.json', (pkg) => {
    const next = [...workspaceGlobs(pkg), parentGlob];
    if (Array.isArray(pkg.workspaces) || pkg.workspaces === undefined) pkg.workspaces = next;
    else pkg.workspaces.packages = next;
    return pkg;
  });
}

/** Appends the lines the root .gitignore lacks; never rewrites the user's own lines. */
export function ensureGitignoreLines(tree: Tree, lines: readonly string[]): void {
  const current = tree.read('.gitignore', 'utf-8') ?? '';
  const present = new Set(current.split(/\r?\n/).map((l) => l.trim()));
  const missing = lines.filter((l) => !present.has(l));
  if (missing.length === 0) return;
  const prefix = current === '' || current.endsWith('\n') ? current : `${current}\n`;
  tree.write('.gitignore', `${prefix}${missing.join('\n')}\n`);
}

/** Adds devDependencies the root lacks; an existing entry (any version) is the user's choice. */
export function ensureRootDevDependencies(tree: Tree, deps: Readonly<Record<string, string>>): boolean {
  if (!tree.exists('package.json')) return false;
  const pkg = readJson<RootPackageJson>(tree, 'package.json');
  const missing = Object.entries(deps).filter(([name]) => !pkg.devDependencies?.[name] && !pkg.dependencies?.[name]);
  if (missing.length === 0) return false;
  updateJson<RootPackageJson>(tree, 'package.json', (json) => {
    json.devDependencies = Object.fromEntries([...Object.entries(json.devDependencies ?? {}), ...missing].sort(([a], [b]) => a.localeCompare(b)));
    return json;
  });
  return true;
}

/** Registers `@slipway/nx/plugin` and the `@slipway/nx:sync` generator in nx.json (creating nx.json when missing), each unless already there; one write. */
export function ensureNxPlugin(tree: Tree): void {
  // A package.json-only workspace has no nx.json; without one the plugin (and its slipway-check target) is never loaded.
  if (!tree.exists('nx.json')) writeJson(tree, 'nx.json', { $schema: './node_modules/nx/schemas/nx-schema.json' });
  const nxJson = readJson<NxJson>(tree, 'nx.json');
  const plugins = nxJson.plugins ?? [];
  const globalGenerators = nxJson.sync?.globalGenerators ?? [];
  const addPlugin = !plugins.some(isSlipwayPlugin);
  // A global sync generator: `nx sync:check` fails when Slipway-owned files are behind the installed templates.
  const addSync = !globalGenerators.includes(SLIPWAY_SYNC_GENERATOR);
  if (!addPlugin && !addSync) return;
  writeJson(tree, 'nx.json', {
    ...nxJson,
    ...(addPlugin && { plugins: [...plugins, { plugin: SLIPWAY_PLUGIN, options: {} }] }),
    ...(addSync && { sync: { ...nxJson.sync, globalGenerators: [...globalGenerators, SLIPWAY_SYNC_GENERATOR] } }),
  });
}
