import { spawn } from 'node:child_process';
import { cpSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client } from '@modelcontextprotocol/client';
import { StdioClientTransport } from '@modelcontextprotocol/client/stdio';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { nx, repoRoot, setUpSlipwayWorkspace, type SlipwayWorkspace } from '../tools/local-packages.js';
import { ensureNodeLts } from '../tools/node-binaries.js';
import { readExpectedFailures, runConformance, summarize, type ConformanceRun, type Revision } from './support/conformance.js';
import { freePort } from './support/ports.js';
import { run } from './support/run.js';
import { startServiceProcess, type ServiceProcess } from './support/service-process.js';

/**
 * The MCP conformance suite (pinned in tools/node-lts, run on Node 22) against a generated service whose
 * capabilities are the suite's fixtures written as ordinary Slipway capabilities (templates/conformance),
 * served on PGlite: every scored scenario of both protocol eras passes, or is listed with its reason and
 * upstream issue in test/conformance.expected-failures.<revision>.yaml.
 */
const REVISIONS: readonly Revision[] = ['2026-07-28', '2025-11-25'];
// Two keys: the first signs, both verify (rotation); production refuses to start without them.
const REQUEST_STATE_KEYS = `${'k'.repeat(40)},${'o'.repeat(40)}`;

const expectedFailuresFile = (revision: Revision) => join(repoRoot, `test/conformance.expected-failures.${revision}.yaml`);

describe('MCP conformance of a generated service, both protocol eras', () => {
  const work = mkdtempSync(join(tmpdir(), 'slipway-conformance-'));
  const workspace = join(work, 'workspace');
  const service = join(workspace, 'services/fixtures');
  const runs = new Map<Revision, ConformanceRun>();
  const report: string[] = [];
  let slipway: SlipwayWorkspace | undefined;
  let served: ServiceProcess | undefined;

  beforeAll(async () => {
    const started = Date.now();
    ensureNodeLts();
    slipway = await setUpSlipwayWorkspace(work);
    nx(workspace, ['g', '@slipway/nx:new-mcp-service', 'fixtures', '--no-interactive', '--deploy=none']);
    const generated = Date.now();
    // The fixture layer over the service's own src/: its capabilities/index.ts serves the fixtures.
    cpSync(join(repoRoot, 'templates/conformance/src'), join(service, 'src'), { recursive: true });
    nx(workspace, ['run', 'fixtures:build']);
    report.push(`set-up: workspace and generation ${generated - started} ms, build ${Date.now() - generated} ms`);
    const port = await freePort();
    served = await startServiceProcess(
      service,
      { PORT: String(port), HOST: '127.0.0.1', PGLITE_DATA_DIR: join(work, 'pglite-http'), NODE_ENV: 'production', REQUEST_STATE_KEYS, LOG_LEVEL: 'warn' },
      port,
    );
  });

  afterAll(async () => {
    console.info(`conformance e2e:\n  ${report.join('\n  ')}`);
    await served?.stop();
    await slipway?.registry.stop();
    if (!process.env['SLIPWAY_KEEP_E2E']) rmSync(work, { recursive: true, force: true });
  });

  it.each(REVISIONS)('--requirements %s: every scored scenario passes or is an expected failure with its reason', async (revision) => {
    const outcome = await runConformance(`${served!.url}/mcp`, revision, join(work, `results-${revision}`), expectedFailuresFile(revision));
    runs.set(revision, outcome);
    const scored = outcome.scenarios.filter((s) => s.scored);
    const expected = readExpectedFailures(expectedFailuresFile(revision));
    const counts = summarize(outcome, (s) => s.scored);
    const ratio = (c: { passed: number; failed: number; untestable: number }) => `${c.passed}/${c.passed + c.failed + c.untestable} passed`;
    report.push(
      `${revision}: ${scored.length} scored: ${counts.passed} passed, ${counts.failed} failed, ${counts.untestable} untestable (${expected.length} expected failures)`,
      `${revision} unscored: all ${ratio(summarize(outcome, (s) => !s.scored))}; tasks ${ratio(summarize(outcome, (s) => !s.scored && s.name.startsWith('tasks-')))}; ` +
        `HTTP header scenarios ${ratio(summarize(outcome, (s) => !s.scored && s.name.startsWith('http-')))}`,
    );

    for (const entry of expected) {
      expect(entry.reason, `${entry.scenario}: a "# reason:" line`).not.toBe('');
      expect(entry.upstream, `${entry.scenario}: an "# upstream:" line`).toMatch(/^https:\/\/github\.com\//);
      expect(
        scored.map((s) => s.name),
        `${entry.scenario} is a scored scenario`,
      ).toContain(entry.scenario);
    }
    const failing = scored.filter((s) => s.status !== 'passed');
    expect(failing.map((s) => s.name).sort(), failing.map((s) => `${s.name}: ${s.failures.join('; ')}`).join('\n')).toEqual(
      expected.map((e) => e.scenario).sort(),
    );
    // The suite's own verdict against the same baseline: no unexpected failure and no stale entry.
    expect(outcome.code, outcome.output.slice(-3000)).toBe(0);
  });

  it('runs the whole 2026-07-28 requirement set (37 scored scenarios, with the tasks extension reported)', () => {
    const outcome = runs.get('2026-07-28');
    expect(outcome, 'the 2026-07-28 run happened').toBeDefined();
    expect(outcome!.scenarios.filter((s) => s.scored)).toHaveLength(37);
    expect(outcome!.scenarios.filter((s) => s.name.startsWith('tasks-')).length).toBeGreaterThan(0);
  });

  it("the service's own tests run an input-required round trip and subscriptions/listen, on both revisions", async () => {
    const result = await run('npx', ['vitest', 'run', 'test/request-features.test.ts', '--reporter=json'], { cwd: service });
    const report = JSON.parse(result.stdout) as { numTotalTests: number; numPassedTests: number };
    expect(report).toMatchObject({ numTotalTests: 3, numPassedTests: 3 });
  });

  it('answers the 2025-era server-to-client requests over stdio, where a connection outlives the call', async () => {
    // The suite drives HTTP only; the same tools over stdio, with an SDK client that answers.
    const client = new Client({ name: 'conformance-e2e', version: '1.0.0' }, { capabilities: { elicitation: { form: {} }, sampling: {}, roots: {} } });
    const asked: Array<{ method: string; params: unknown }> = [];
    client.setRequestHandler('elicitation/create', async (request) => {
      asked.push({ method: request.method, params: request.params });
      return { action: 'accept', content: { response: 'yes' } };
    });
    client.setRequestHandler('sampling/createMessage', async (request) => {
      asked.push({ method: request.method, params: request.params });
      return { role: 'assistant', model: 'test-model', content: { type: 'text', text: 'Paris' } };
    });
    const transport = new StdioClientTransport({
      command: process.execPath,
      args: ['dist/stdio.js'],
      cwd: service,
      env: {
        ...(process.env as Record<string, string>),
        PGLITE_DATA_DIR: join(work, 'pglite-stdio'),
        NODE_ENV: 'production',
        REQUEST_STATE_KEYS,
        LOG_LEVEL: 'warn',
      },
      stderr: 'pipe',
    });
    await client.connect(transport);
    try {
      const text = (result: unknown) => (result as { content: Array<{ text?: string }> }).content[0]?.text ?? '';
      expect(text(await client.callTool({ name: 'test_sampling', arguments: { prompt: 'Capital of France?' } }))).toBe('LLM response: Paris');
      expect(text(await client.callTool({ name: 'test_elicitation', arguments: { message: 'Proceed?' } }))).toBe(
        'User response: action=accept, content={"response":"yes"}',
      );
      expect(text(await client.callTool({ name: 'test_elicitation_sep1034_defaults', arguments: {} }))).toMatch(/^Elicitation completed: action=accept/);
      expect(text(await client.callTool({ name: 'test_elicitation_sep1330_enums', arguments: {} }))).toMatch(/^Elicitation completed: action=accept/);
      expect(asked.map((a) => a.method)).toEqual(['sampling/createMessage', 'elicitation/create', 'elicitation/create', 'elicitation/create']);
      const defaults = (asked[2]!.params as { requestedSchema: { properties: Record<string, { default?: unknown }> } }).requestedSchema.properties;
      expect(defaults['name']?.default).toBe('John Doe');
    } finally {
      await client.close();
    }
  });

  it('refuses to start in production without REQUEST_STATE_KEYS, naming the variable and the fix', async () => {
    const port = await freePort();
    const child = spawn(process.execPath, ['dist/main.js'], {
      cwd: service,
      env: { ...process.env, PORT: String(port), PGLITE_DATA_DIR: join(work, 'pglite-refused'), NODE_ENV: 'production', REQUEST_STATE_KEYS: '' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout.on('data', (d: Buffer) => (output += d.toString()));
    child.stderr.on('data', (d: Buffer) => (output += d.toString()));
    // 'close', not 'exit': the refusal is written as the process exits and may still be in the pipe at 'exit'.
    const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
    expect(code, output).not.toBe(0);
    expect(output).toMatch(/REQUEST_STATE_KEYS is required when NODE_ENV=production/);
    expect(output).toMatch(/shared by every replica/);
  });
});
