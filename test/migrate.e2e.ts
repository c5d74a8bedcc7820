import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { githubActionUpgrades } from '../packages/nx/src/versions.js';
import { createWorkspace, npmIn, nx, packSlipway, packSlipwayAs, tarballs } from '../tools/local-packages.js';
import { startLocalRegistry, type LocalRegistry } from '../tools/local-registry.js';
import { checkExampleCapabilities } from './support/mcp-checks.js';
import { freePort } from './support/ports.js';
import { startServiceProcess } from './support/service-process.js';

const NEXT = '0.2.0';
const README_EDIT = '\n## Team notes\n\nOn-call: #orders-oncall\n';
const DOMAIN_EDIT = '// Team rule: reading speed tuned for our users.\n';
const LEGACY_COMPOSE = "# our stack\nversion: '3.8'\nservices:\n  cache:\n    image: redis:7.4.2   # team pin\n";
const LEGACY_WORKFLOW = `name: nightly
on:
  schedule: [{ cron: '0 3 * * *' }]
jobs:
  report:
    runs-on: ubuntu-latest
    steps:
      - run: ./scripts/nightly-report.sh   # the team's own step
      - uses: actions/upload-artifact@v3
        with:
          name: report
          path: report/
`;
const V1_SERVER = `import { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { z } from 'zod';

export const server = new McpServer({ name: 'legacy', version: '1.0.0' });
server.tool('echo', { text: z.string() }, async ({ text }) => ({ content: [{ type: 'text', text }] }));
`;

function write(root: string, path: string, text: string): void {
  mkdirSync(dirname(join(root, path)), { recursive: true });
  writeFileSync(join(root, path), text);
}

/**
 * A workspace generated with one release of Slipway, edited by its owners, moved to the next
 * release with the standard `nx migrate` flow and then `update`: the edits survive, and the
 * service still builds, tests and serves.
 */
describe('nx migrate @slipway/nx to the next release, then update', () => {
  const work = mkdtempSync(join(tmpdir(), 'slipway-migrate-'));
  const ws = join(work, 'workspace');
  const service = join(ws, 'services/orders');
  const migrateEnv = { NX_MIGRATE_USE_LOCAL: 'true', NX_MIGRATE_SKIP_INSTALL: 'true' };
  let registry: LocalRegistry | undefined;
  let migrateOutput = '';
  let updateOutput = '';

  beforeAll(async () => {
    const current = packSlipway(join(work, 'packs'));
    const next = packSlipwayAs(join(work, 'packs'), NEXT);
    registry = await startLocalRegistry(join(work, 'registry'));
    for (const tarball of [...tarballs(current), ...tarballs(next)]) registry.publish(tarball);
    createWorkspace(ws, registry.scopeLine, current.version);
    nx(ws, ['g', '@slipway/nx:new-mcp-service', 'orders', '--no-interactive']);

    // The owners' edits since generation.
    write(ws, 'services/orders/README.md', readFileSync(join(service, 'README.md'), 'utf8') + README_EDIT);
    const textStats = join(service, 'src/capabilities/text-stats.ts');
    writeFileSync(textStats, DOMAIN_EDIT + readFileSync(textStats, 'utf8'));
    write(ws, 'services/orders/compose.legacy.yaml', LEGACY_COMPOSE);
    write(ws, '.github/workflows/nightly.yml', LEGACY_WORKFLOW);
    write(ws, 'apps/legacy-mcp/project.json', JSON.stringify({ name: 'legacy-mcp', root: 'apps/legacy-mcp' }));
    write(
      ws,
      'apps/legacy-mcp/package.json',
      JSON.stringify({ name: 'legacy-mcp', private: true, type: 'module', dependencies: { '@modelcontextprotocol/sdk': '1.17.0', zod: '3.25.76' } }),
    );
    write(ws, 'apps/legacy-mcp/src/server.ts', V1_SERVER);
    execFileSync('git', ['add', '-A'], { cwd: ws });
    execFileSync('git', ['-c', 'user.name=t', '-c', 'user.email=t@example.com', 'commit', '-qm', 'edits'], { cwd: ws });

    Object.assign(process.env, migrateEnv);
    try {
      migrateOutput = nx(ws, ['migrate', `@slipway/nx@${NEXT}`]);
      npmIn(ws, ['install', '--no-audit', '--no-fund']);
      migrateOutput += nx(ws, ['migrate', '--run-migrations']);
    } finally {
      for (const key of Object.keys(migrateEnv)) delete process.env[key];
    }
    updateOutput = nx(ws, ['g', '@slipway/nx:update', '--all', '--no-interactive']);
    npmIn(ws, ['install', '--no-audit', '--no-fund']);
  });

  afterAll(async () => {
    await registry?.stop();
    if (!process.env['SLIPWAY_KEEP_E2E']) rmSync(work, { recursive: true, force: true });
  });

  it('moves the workspace to the next release', () => {
    const pkg = JSON.parse(readFileSync(join(ws, 'package.json'), 'utf8'));
    expect(pkg.devDependencies['@slipway/nx']).toBe(NEXT);
    expect(JSON.parse(readFileSync(join(service, 'package.json'), 'utf8')).dependencies['@slipway/mcp-runtime']).toBe(NEXT);
    const answers = JSON.parse(readFileSync(join(service, '.slipway-answers.json'), 'utf8'));
    expect(answers.records['@slipway/nx:new-mcp-service'].version).toBe(NEXT);
    expect(migrateOutput).toMatch(/mcp-sdk-v1-to-v2/);
  });

  it('runs the migrations, touching only what they own', () => {
    expect(readFileSync(join(service, 'compose.legacy.yaml'), 'utf8')).toBe(LEGACY_COMPOSE.replace("version: '3.8'\n", ''));
    expect(readFileSync(join(ws, '.github/workflows/nightly.yml'), 'utf8')).toBe(
      LEGACY_WORKFLOW.replace('actions/upload-artifact@v3', githubActionUpgrades.uploadArtifact),
    );
    const legacy = readFileSync(join(ws, 'apps/legacy-mcp/src/server.ts'), 'utf8');
    expect(legacy).toContain('@modelcontextprotocol/server');
    expect(legacy).toContain("registerTool('echo'");
    expect(JSON.parse(readFileSync(join(ws, 'apps/legacy-mcp/package.json'), 'utf8')).dependencies['@modelcontextprotocol/sdk']).toBeUndefined();
  });

  it('keeps every edit the owners made', () => {
    expect(readFileSync(join(service, 'README.md'), 'utf8')).toContain(README_EDIT);
    expect(readFileSync(join(service, 'src/capabilities/text-stats.ts'), 'utf8').startsWith(DOMAIN_EDIT)).toBe(true);
    expect(updateOutput).not.toMatch(/conflict/i);
  });

  it('adopts a project Slipway did not create, recording it without changing it', () => {
    const before = readFileSync(join(ws, 'apps/legacy-mcp/src/server.ts'), 'utf8');
    const output = nx(ws, ['g', '@slipway/nx:adopt', 'legacy-mcp', '--no-interactive']);
    expect(output).toMatch(/\[ \] has a Dockerfile → nx g @slipway\/nx:docker legacy-mcp/);
    expect(readFileSync(join(ws, 'apps/legacy-mcp/src/server.ts'), 'utf8')).toBe(before);
    const answers = JSON.parse(readFileSync(join(ws, 'apps/legacy-mcp/.slipway-answers.json'), 'utf8'));
    expect(answers.records['@slipway/nx:adopt'].version).toBe(NEXT);
  });

  it("renders through a team layer, and update carries the team's later change into an edited service", () => {
    const commit = (message: string) => {
      execFileSync('git', ['add', '-A'], { cwd: ws });
      execFileSync('git', ['-c', 'user.name=t', '-c', 'user.email=t@example.com', 'commit', '-qm', message], { cwd: ws });
    };
    const nxJsonPath = join(ws, 'nx.json');
    const nxJson = JSON.parse(readFileSync(nxJsonPath, 'utf8'));
    nxJson.plugins = (nxJson.plugins ?? []).map((p: { plugin: string }) =>
      p.plugin === '@slipway/nx/plugin' ? { plugin: '@slipway/nx/plugin', options: { layers: ['tools/slipway'] } } : p,
    );
    writeFileSync(nxJsonPath, JSON.stringify(nxJson, null, 2));
    write(ws, 'tools/slipway/slipway-layer.json', JSON.stringify({ name: 'acme', version: '1.0.0' }));
    write(ws, 'tools/slipway/defaults.json', JSON.stringify({ 'new-mcp-service': { tags: 'team:payments' } }));
    write(ws, 'tools/slipway/templates/server/README.md.ejs', '# <%= title %> (ACME layer 1)\n\nOwned by payments.\n');
    commit('team layer 1');

    nx(ws, ['g', '@slipway/nx:new-mcp-service', 'billing', '--deploy=none', '--skipInstall', '--no-interactive']);
    const readme = join(ws, 'services/billing/README.md');
    expect(readFileSync(readme, 'utf8')).toBe('# Billing (ACME layer 1)\n\nOwned by payments.\n');
    expect(JSON.parse(readFileSync(join(ws, 'services/billing/project.json'), 'utf8')).tags).toContain('team:payments');
    commit('billing');

    writeFileSync(readme, `${readFileSync(readme, 'utf8')}\nRun book: wiki/billing\n`);
    write(ws, 'tools/slipway/templates/server/README.md.ejs', '# <%= title %> (ACME layer 2)\n\nOwned by payments.\n');
    commit('team layer 2, and an edit');

    nx(ws, ['g', '@slipway/nx:update', 'billing', '--no-interactive']);
    expect(readFileSync(readme, 'utf8')).toBe('# Billing (ACME layer 2)\n\nOwned by payments.\n\nRun book: wiki/billing\n');
  });

  it('still builds, tests and serves', async () => {
    nx(ws, ['run-many', '-t', 'build', 'test', '-p', 'orders']);
    const port = await freePort();
    const proc = await startServiceProcess(service, { PORT: String(port), HOST: '127.0.0.1', PGLITE_DATA_DIR: join(work, 'pglite') }, port);
    try {
      await checkExampleCapabilities(proc.url);
    } finally {
      expect(await proc.stop()).toBe(0);
    }
  });
});
