import { describe, expect, it } from 'vitest';
import { planWorkspace } from './plan.js';

const versions = { slipway: '0.1.0', nx: '24.0.6', node: '>=20.19' };

describe('workspace plan', () => {
  it('makes an npm + Nx workspace that pins Slipway and Nx, with services/* as its workspace folder', () => {
    const { files } = planWorkspace({ name: 'acme' }, versions);
    expect(files.map((f) => f.path)).toEqual(['package.json', 'nx.json', '.gitignore']);
    const pkg = JSON.parse(files[0]!.content);
    expect(pkg).toMatchObject({
      name: 'acme',
      private: true,
      workspaces: ['services/*'],
      devDependencies: { '@slipway/nx': '0.1.0', nx: '24.0.6' },
      engines: { node: '>=20.19' },
    });
    expect(JSON.parse(files[1]!.content)).toEqual({ $schema: './node_modules/nx/schemas/nx-schema.json' });
    expect(files[2]!.content).toBe('node_modules/\n');
  });

  it('routes the @slipway scope to a private registry in the workspace’s .npmrc', () => {
    const { files } = planWorkspace({ name: 'acme', registry: 'https://npm.example.com/' }, versions);
    expect(files.find((f) => f.path === '.npmrc')?.content).toBe('@slipway:registry=https://npm.example.com/\n');
  });

  it('installs, then runs the preset with the answers, then installs the new service', () => {
    const { steps } = planWorkspace({ name: 'acme', service: 'orders', database: 'postgres', layer: 'tools/slipway' }, versions);
    expect(steps.map((s) => [s.command, ...s.args].join(' '))).toEqual([
      'git init -q',
      'npm install',
      'npx --no nx g @slipway/nx:preset --name=acme --service=orders --database=postgres --layer=tools/slipway --skipInstall --no-interactive',
      'npm install',
    ]);
    expect(steps.filter((s) => s.optional).map((s) => s.command)).toEqual(['git']);
  });

  it('installs once when there is no service', () => {
    const { steps } = planWorkspace({ name: 'acme' }, versions);
    expect(steps.map((s) => [s.command, ...s.args].join(' '))).toEqual([
      'git init -q',
      'npm install',
      'npx --no nx g @slipway/nx:preset --name=acme --skipInstall --no-interactive',
    ]);
  });
});
