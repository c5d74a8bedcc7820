import { execFileSync } from 'node:child_process';
import { cpSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { startLocalRegistry, type LocalRegistry } from './local-registry.js';
import { repoRoot } from './repo-root.js';

export { repoRoot };

/**
 * Puts Slipway in a fresh workspace the way users get it: the built packages packed, published to
 * a local registry (tools/local-registry.ts) and installed from there with npm.
 */

const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';

export interface PackedSlipway {
  readonly plugin: string;
  readonly runtime: string;
  readonly validate: string;
  readonly version: string;
}

/** Every packed tarball, in the order a registry needs them published. */
export function tarballs(packed: PackedSlipway): string[] {
  return [packed.runtime, packed.plugin, packed.validate];
}

/** `npm pack` of the packages (built beforehand by `npm run build`). */
export function packSlipway(destination: string): PackedSlipway {
  mkdirSync(destination, { recursive: true });
  const out = execFileSync(
    npm,
    ['pack', '--json', '--pack-destination', destination, '-w', '@slipway/nx', '-w', '@slipway/mcp-runtime', '-w', '@slipway/validate'],
    { cwd: repoRoot, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] },
  );
  const packs = JSON.parse(out) as Array<{ name: string; filename: string }>;
  const file = (name: string) => {
    const pack = packs.find((p) => p.name === name);
    if (!pack) throw new Error(`npm pack did not produce ${name}`);
    return join(destination, pack.filename);
  };
  const version = (JSON.parse(readFileSync(join(repoRoot, 'packages/nx/package.json'), 'utf8')) as { version: string }).version;
  return { plugin: file('@slipway/nx'), runtime: file('@slipway/mcp-runtime'), validate: file('@slipway/validate'), version };
}

/**
 * The same build packed under another version number: what a later release looks like to a
 * workspace, for testing `nx migrate` and `update` across versions.
 */
export function packSlipwayAs(destination: string, version: string): PackedSlipway {
  const staging = join(destination, `staging-${version}`);
  rmSync(staging, { recursive: true, force: true });
  const packed: Record<string, string> = {};
  for (const [dir, files] of [
    ['packages/nx', ['package.json', 'generators.json', 'migrations.json', 'dist']],
    ['packages/mcp-runtime', ['package.json', 'dist']],
    ['packages/validate', ['package.json', 'dist']],
  ] as const) {
    const target = join(staging, dir);
    for (const file of files) cpSync(join(repoRoot, dir, file), join(target, file), { recursive: true });
    const manifest = JSON.parse(readFileSync(join(target, 'package.json'), 'utf8')) as { name: string; version: string; dependencies?: Record<string, string> };
    manifest.version = version;
    // @slipway/validate pins the plugin it reads answers with: the same release.
    if (manifest.dependencies?.['@slipway/nx']) manifest.dependencies['@slipway/nx'] = version;
    writeFileSync(join(target, 'package.json'), `${JSON.stringify(manifest, null, 2)}\n`);
    const out = execFileSync(npm, ['pack', '--json', '--pack-destination', destination], { cwd: target, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
    packed[manifest.name] = join(destination, (JSON.parse(out) as Array<{ filename: string }>)[0]!.filename);
  }
  return { plugin: packed['@slipway/nx']!, runtime: packed['@slipway/mcp-runtime']!, validate: packed['@slipway/validate']!, version };
}

function repoDevVersion(name: string): string {
  const pkg = JSON.parse(readFileSync(join(repoRoot, 'package.json'), 'utf8')) as { devDependencies: Record<string, string> };
  const version = pkg.devDependencies[name];
  if (!version) throw new Error(`root package.json pins no ${name}`);
  return version;
}

/**
 * A minimal Nx workspace whose `.npmrc` routes the @slipway scope to the given registry, with the
 * plugin installed from there and `@slipway/nx:init` run (what `nx add @slipway/nx` does).
 */
export function createWorkspace(dir: string, registryScopeLine: string, slipwayVersion: string): void {
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'package.json'), `${JSON.stringify({ name: 'slipway-sample', private: true, workspaces: [] }, null, 2)}\n`);
  writeFileSync(join(dir, '.npmrc'), `${registryScopeLine}\n`);
  writeFileSync(join(dir, 'nx.json'), '{}\n');
  execFileSync('git', ['init', '-q'], { cwd: dir });
  npmIn(dir, ['install', '-D', '-E', `@slipway/nx@${slipwayVersion}`, `nx@${repoDevVersion('nx')}`]);
  nx(dir, ['g', '@slipway/nx:init', '--skipInstall', '--no-interactive']);
}

export function npmIn(dir: string, args: readonly string[]): string {
  return execFileSync(npm, args, { cwd: dir, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], env: quietNpmEnv() });
}

export function nx(dir: string, args: readonly string[]): string {
  return execFileSync(join(dir, 'node_modules/.bin/nx'), args, {
    cwd: dir,
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...quietNpmEnv(), NX_DAEMON: 'false', NX_NO_CLOUD: 'true', NX_SKIP_NX_CACHE: 'true' },
  });
}

function quietNpmEnv(): NodeJS.ProcessEnv {
  return { ...process.env, npm_config_update_notifier: 'false', npm_config_fund: 'false', npm_config_audit: 'false' };
}

export interface SlipwayWorkspace {
  readonly dir: string;
  readonly registry: LocalRegistry;
  readonly version: string;
}

/** Packs and publishes Slipway to a fresh local registry, then creates a workspace that installs from it. */
export async function setUpSlipwayWorkspace(workDir: string): Promise<SlipwayWorkspace> {
  const packed = packSlipway(join(workDir, 'packs'));
  const registry = await startLocalRegistry(join(workDir, 'registry'));
  try {
    for (const tarball of tarballs(packed)) registry.publish(tarball);
    const dir = join(workDir, 'workspace');
    createWorkspace(dir, registry.scopeLine, packed.version);
    return { dir, registry, version: packed.version };
  } catch (error) {
    await registry.stop();
    throw error;
  }
}
