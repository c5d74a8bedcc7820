import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { nx, packSlipway, repoRoot, tarballs } from '../tools/local-packages.js';
import { startLocalRegistry, type LocalRegistry } from '../tools/local-registry.js';
import { run } from './support/run.js';

/**
 * `npx create-slipway acme --yes --service orders` as a user with a private registry runs it: the
 * packed create-slipway installed from its tarball (npx does the same), its @slipway/nx dependency
 * and the new workspace's packages from a local Verdaccio, the scope routed there by `.npmrc`.
 */
describe('create-slipway acme --yes --service orders, end to end', () => {
  const work = mkdtempSync(join(tmpdir(), 'slipway-create-'));
  const projects = join(work, 'projects');
  const workspace = join(projects, 'acme');
  let registry: LocalRegistry | undefined;
  let output = '';
  let tarball = '';

  beforeAll(async () => {
    const packs = join(work, 'packs');
    const packed = packSlipway(packs);
    const cliPack = JSON.parse(
      execFileSync('npm', ['pack', '--json', '--pack-destination', packs, '-w', 'create-slipway'], { cwd: repoRoot, encoding: 'utf8' }),
    ) as Array<{ filename: string }>;
    registry = await startLocalRegistry(join(work, 'registry'));
    for (const tarball of tarballs(packed)) registry.publish(tarball);

    // As a user runs it from a tarball: `npx --package=<tarball> create-slipway`, the @slipway scope from the registry.
    mkdirSync(projects, { recursive: true });
    writeFileSync(join(projects, '.npmrc'), `${registry.scopeLine}\n`);
    tarball = join(packs, cliPack[0]!.filename);
    const result = await run('npx', ['--yes', `--package=${tarball}`, 'create-slipway', 'acme', '--yes', '--service', 'orders', '--registry', registry.url], {
      cwd: projects,
      env: {
        ...process.env,
        NX_DAEMON: 'false',
        NX_NO_CLOUD: 'true',
        npm_config_update_notifier: 'false',
        npm_config_fund: 'false',
        npm_config_audit: 'false',
      },
    });
    output = result.stdout;
  });

  afterAll(async () => {
    await registry?.stop();
    if (!process.env['SLIPWAY_KEEP_E2E']) rmSync(work, { recursive: true, force: true });
  });

  it('creates the workspace on the standard layout, pinned to the published packages', () => {
    for (const file of ['README.md', 'services/README.md', 'services/orders/project.json', 'services/orders/.slipway-answers.json', '.npmrc', '.git']) {
      expect(existsSync(join(workspace, file)), file).toBe(true);
    }
    const pkg = JSON.parse(readFileSync(join(workspace, 'package.json'), 'utf8'));
    expect(pkg.workspaces).toEqual(['services/*']);
    expect(pkg.devDependencies['@slipway/nx']).toBe(JSON.parse(readFileSync(join(repoRoot, 'packages/nx/package.json'), 'utf8')).version);
    expect(pkg.devDependencies.nx).toBe(JSON.parse(readFileSync(join(repoRoot, 'package.json'), 'utf8')).devDependencies.nx);
    expect(JSON.parse(readFileSync(join(workspace, 'nx.json'), 'utf8')).plugins).toContainEqual({ plugin: '@slipway/nx/plugin', options: {} });
    expect(readFileSync(join(workspace, '.npmrc'), 'utf8')).toBe(`${registry!.scopeLine}\n`);
    expect(readFileSync(join(workspace, '.gitignore'), 'utf8')).toContain('.data/');
    expect(readFileSync(join(workspace, 'README.md'), 'utf8')).toMatch(/^# acme\n/);
    // Nx gives a `preset` generator apps/ and libs/ unless its entry asks for the standalone layout.
    expect(existsSync(join(workspace, 'apps')) || existsSync(join(workspace, 'libs'))).toBe(false);
    expect(output).toContain('Done. Next:\n  cd acme');
  });

  it('installs the first service into the npm workspace', () => {
    expect(existsSync(join(workspace, 'node_modules/orders'))).toBe(true);
    expect(existsSync(join(workspace, 'node_modules/@slipway/mcp-runtime/package.json'))).toBe(true);
  });

  it('lists and builds the service through Nx', () => {
    expect(
      nx(workspace, ['show', 'projects'])
        .split('\n')
        .map((l) => l.trim()),
    ).toContain('orders');
    nx(workspace, ['build', 'orders']);
    expect(existsSync(join(workspace, 'services/orders/dist/main.js'))).toBe(true);
  });

  it('refuses to create it again over the existing folder', async () => {
    const again = await run('npx', ['--yes', `--package=${tarball}`, 'create-slipway', 'acme', '--yes'], { cwd: projects, allowFailure: true });
    expect(again.code).toBe(1);
    expect(again.stderr).toContain(`${workspace} already exists and is not empty`);
  });
});
