import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, dirname, join } from 'node:path';
import { stripVTControlCharacters } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { nx, setUpSlipwayWorkspace, type SlipwayWorkspace } from '../tools/local-packages.js';
import { ensureNodeLts, nodeBinary } from '../tools/node-binaries.js';
import { conformanceScenarios } from '../packages/validate/src/conformance-scenarios.js';
import { freePort } from './support/ports.js';
import { run } from './support/run.js';
import { startServiceProcess } from './support/service-process.js';

/**
 * The generated `conformance` target as a user runs it: `nx run orders:conformance` on a fresh
 * service builds it, starts it on a free port, runs the MCP conformance suite's fixture-free
 * scenarios and stops it. It fails when the service accepts a foreign Host, tests a running server
 * with --url, and refuses Node older than 22 with the reason.
 */
describe('nx run orders:conformance', () => {
  const work = mkdtempSync(join(tmpdir(), 'slipway-conformance-'));
  const workspace = join(work, 'workspace');
  const timings: string[] = [];
  let slipway: SlipwayWorkspace | undefined;

  /** Nx with `node` resolving to `nodeDir` first, as a user's shell (or CI's setup-node) would have it. */
  async function conformance(nodeDir: string, args: readonly string[] = [], env: NodeJS.ProcessEnv = {}) {
    const started = Date.now();
    const result = await run(join(workspace, 'node_modules/.bin/nx'), ['run', 'orders:conformance', ...args], {
      cwd: workspace,
      env: { ...process.env, ...env, PATH: `${nodeDir}${delimiter}${process.env['PATH'] ?? ''}`, NX_DAEMON: 'false', NX_NO_CLOUD: 'true' },
      allowFailure: true,
    });
    timings.push(`nx run orders:conformance ${args.join(' ')}: ${Date.now() - started} ms`);
    return { code: result.code, output: stripVTControlCharacters(result.stdout + result.stderr) };
  }
  const node22 = () => dirname(nodeBinary('22'));

  beforeAll(async () => {
    ensureNodeLts();
    const started = Date.now();
    slipway = await setUpSlipwayWorkspace(work);
    nx(workspace, ['g', '@slipway/nx:new-mcp-service', 'orders', '--no-interactive', '--deploy=none']);
    timings.push(`workspace and generation: ${Date.now() - started} ms`);
  });

  afterAll(async () => {
    console.info(`conformance-target e2e durations:\n  ${timings.join('\n  ')}`);
    await slipway?.registry.stop();
    if (!process.env['SLIPWAY_KEEP_E2E']) rmSync(work, { recursive: true, force: true });
  });

  it('passes on a freshly generated service, both protocol eras', async () => {
    const { code, output } = await conformance(node22());
    expect(code, output).toBe(0);
    expect(output).toContain('Started the built service at http://127.0.0.1:');
    for (const { specVersion, scenario } of conformanceScenarios) expect(output).toContain(`✓ ${specVersion} ${scenario}`);
    expect(output).toContain(`${conformanceScenarios.length}/${conformanceScenarios.length} scenarios pass.`);
  });

  it('tests the server at --url instead of starting one, and fails when that server has Host validation switched off', async () => {
    // A foreign Host (and Origin) allowed: what the DNS-rebinding scenario probes with.
    const port = await freePort();
    const service = await startServiceProcess(
      join(workspace, 'services/orders'),
      {
        PORT: String(port),
        HOST: '127.0.0.1',
        PGLITE_DATA_DIR: 'memory://',
        ALLOWED_HOSTS: 'localhost,127.0.0.1,evil.example.com',
        ALLOWED_ORIGINS: 'http://evil.example.com',
      },
      port,
    );
    try {
      const { code, output } = await conformance(node22(), [`--url=${service.url}/mcp`]);
      expect(code, output).not.toBe(0);
      expect(output).toContain(`against ${service.url}/mcp`);
      expect(output).not.toContain('Started the built service');
      expect(output).toContain('✗ 2026-07-28 dns-rebinding-protection');
      expect(output).toContain('✗ 2025-11-25 dns-rebinding-protection');
      expect(output).toMatch(/localhost-host-rebinding-rejected/);
      // Only the DNS-rebinding scenario notices: the rest of the service is as generated.
      expect(output).toContain('✓ 2026-07-28 tools-list');
      expect(output).toContain(
        `2 of ${conformanceScenarios.length} scenarios failed: dns-rebinding-protection (2026-07-28), dns-rebinding-protection (2025-11-25).`,
      );
    } finally {
      await service.stop();
    }
  });

  // The machine's own Node (20 here); with 22 or later there is nothing to refuse.
  it.skipIf(Number(process.versions.node.split('.')[0]) >= 22)('refuses Node older than 22, naming the requirement', async () => {
    const { code, output } = await conformance(dirname(process.execPath));
    expect(code).not.toBe(0);
    expect(output).toContain('slipway-conformance needs Node >= 22: the MCP conformance suite uses fs.globSync');
  });
});
