import { readFileSync } from 'node:fs';
import { createFsFromVolume, Volume } from 'memfs';
import { describe, expect, it } from 'vitest';
import { main, type MainContext } from './main.js';
import { planVersions } from './versions.js';

function harness(files: Record<string, string> = {}) {
  const vol = Volume.fromJSON(files, '/work');
  vol.mkdirSync('/work', { recursive: true });
  const out: string[] = [];
  const err: string[] = [];
  const ran: string[] = [];
  const ctx: MainContext = {
    fs: createFsFromVolume(vol).promises,
    run: async (step) => void ran.push([step.command, ...step.args].join(' ')),
    prompt: async () => {
      throw new Error('no prompts in this test');
    },
    interactive: false,
    cwd: '/work',
    versions: planVersions,
    log: (l) => out.push(l),
    error: (l) => err.push(l),
  };
  return { vol, out, err, ran, ctx };
}

describe('create-slipway', () => {
  it('npx create-slipway acme --yes --service orders: files written, preset run, service installed', async () => {
    const h = harness();
    expect(await main(['acme', '--yes', '--service', 'orders'], h.ctx)).toBe(0);
    expect(h.vol.existsSync('/work/acme/nx.json')).toBe(true);
    expect(h.ran).toEqual([
      'git init -q',
      'npm install',
      'npx --no nx g @slipway/nx:preset --name=acme --service=orders --skipInstall --no-interactive',
      'npm install',
    ]);
    expect(h.out.at(-1)).toBe(
      '\nDone. Next:\n  cd acme\n  npx nx show projects\n  npx nx build orders\n  npx nx serve orders\n  npx nx g @slipway/nx:new-mcp-service <name>',
    );
  });

  it('exits 2 with the reason on a bad command line, and 1 when the folder is taken', async () => {
    const h = harness({ 'acme/README.md': '# mine' });
    expect(await main(['Acme', '-y'], h.ctx)).toBe(2);
    expect(h.err[0]).toMatch(/^create-slipway: name: "Acme" may contain only lowercase letters.*\nSee npx create-slipway --help\.$/s);
    expect(await main(['acme', '-y'], h.ctx)).toBe(1);
    expect(h.err[1]).toBe('create-slipway: /work/acme already exists and is not empty: choose another name, or move it away');
    expect(h.ran).toEqual([]);
  });

  it('prints help and its version', async () => {
    const h = harness();
    expect(await main(['--help'], h.ctx)).toBe(0);
    expect(h.out[0]).toMatch(/^Usage: npx create-slipway \[name\] \[options\]/);
    expect(await main(['--version'], h.ctx)).toBe(0);
    expect(h.out[1]).toBe(planVersions.slipway);
  });

  it('pins the @slipway/nx it is released with, and the Nx this repo tests with', () => {
    const own = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8'));
    const root = JSON.parse(readFileSync(new URL('../../../package.json', import.meta.url), 'utf8'));
    expect(own.dependencies['@slipway/nx']).toBe(own.version);
    expect(planVersions).toEqual({ slipway: own.version, nx: root.devDependencies.nx, node: own.engines.node });
  });
});
