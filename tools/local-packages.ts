import { execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * Puts Slipway in a fresh workspace the way users get it: packed tarballs of the built packages,
 * installed with npm. The plugin's generated services depend on `@slipway/mcp-runtime` by version;
 * an npm override points that at the local tarball, so nothing is fetched for our own packages.
 */
export const repoRoot = join(dirname(fileURLToPath(import.meta.url)), '..');

const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';

export interface PackedSlipway {
  readonly plugin: string;
  readonly runtime: string;
}

/** `npm pack` of both packages (built beforehand by `npm run build`). */
export function packSlipway(destination: string): PackedSlipway {
  mkdirSync(destination, { recursive: true });
  const out = execFileSync(
    npm,
    ['pack', '--json', '--pack-destination', destination, '-w', '@slipway/nx', '-w', '@slipway/mcp-runtime'],
    { cwd: repoRoot, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] },
  );
  const packs = JSON.parse(out) as Array<{ name: string; filename: string }>;
  const file = (name: string) => {
    const pack = packs.find((p) => p.name === name);
    if (!pack) throw new Error(`npm pack did not produce ${name}`);
    return join(destination, pack.filename);
  };
  return { plugin: file('@slipway/nx'), runtime: file('@slipway/mcp-runtime') };
}

function repoDevVersion(name: string): string {
  const pkg = JSON.parse(readFileSync(join(repoRoot, 'package.json'), 'utf8')) as { devDependencies: Record<string, string> };
  const version = pkg.devDependencies[name];
  if (!version) throw new Error(`root package.json pins no ${name}`);
  return version;
}

/** A minimal Nx workspace with the packed plugin installed and `@slipway/nx:init` run (what `nx add` does). */
export function createWorkspace(dir: string, packed: PackedSlipway): void {
  mkdirSync(dir, { recursive: true });
  writeFileSync(
    join(dir, 'package.json'),
    `${JSON.stringify(
      {
        name: 'slipway-sample',
        private: true,
        workspaces: [],
        devDependencies: { '@slipway/nx': `file:${packed.plugin}`, nx: repoDevVersion('nx') },
        overrides: { '@slipway/mcp-runtime': `file:${packed.runtime}` },
      },
      null,
      2,
    )}\n`,
  );
  writeFileSync(join(dir, 'nx.json'), '{}\n');
  execFileSync('git', ['init', '-q'], { cwd: dir });
  npmIn(dir, ['install', '--no-audit', '--no-fund']);
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
