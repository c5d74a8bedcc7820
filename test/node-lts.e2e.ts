import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, dirname, join } from 'node:path';
import { stripVTControlCharacters } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { nx, setUpSlipwayWorkspace, type SlipwayWorkspace } from '../tools/local-packages.js';
import { ensureNodeLts, inspectorLauncher, nodeBinary, nodeLtsLines, pinnedInspectorVersion, type NodeLtsLine } from '../tools/node-binaries.js';
import { checkExampleCapabilities } from './support/mcp-checks.js';
import { freePort, waitFor } from './support/ports.js';
import { run } from './support/run.js';

/**
 * A generated service on the Node LTS lines users run (the machine's own Node may be older): one
 * workspace, then on each line its own `npm test`, its build, and `dist/main.js` serving MCP over
 * Streamable HTTP until SIGTERM. The MCP Inspector CLI (Node >= 22.19) lists its tools on Node 22.
 */
describe('a generated service on every Node LTS line with a pinned base image', () => {
  const work = mkdtempSync(join(tmpdir(), 'slipway-node-lts-'));
  const workspace = join(work, 'workspace');
  const service = join(workspace, 'services/orders');
  const timings: string[] = [];
  let slipway: SlipwayWorkspace | undefined;

  async function timed<T>(label: string, step: () => T | Promise<T>): Promise<T> {
    const started = Date.now();
    const result = await step();
    timings.push(`${label}: ${Date.now() - started} ms`);
    return result;
  }

  beforeAll(async () => {
    await timed('node-lts install (skipped when present)', () => ensureNodeLts());
    slipway = await timed('workspace set-up', () => setUpSlipwayWorkspace(work));
    // The default service, without the deployment files: this test never builds an image.
    await timed('nx g new-mcp-service', () => nx(workspace, ['g', '@slipway/nx:new-mcp-service', 'orders', '--no-interactive', '--deploy=none']));
  });

  afterAll(async () => {
    console.info(`node-lts e2e durations:\n  ${timings.join('\n  ')}`);
    await slipway?.registry.stop();
    if (!process.env['SLIPWAY_KEEP_E2E']) rmSync(work, { recursive: true, force: true });
  });

  it('the generated inspect target runs the Inspector that tools/node-lts pins', () => {
    const project = JSON.parse(readFileSync(join(service, 'project.json'), 'utf8')) as {
      targets: { inspect: { options: { command: string } } };
    };
    expect(project.targets.inspect.options.command).toContain(`@modelcontextprotocol/inspector@${pinnedInspectorVersion()} `);
  });

  describe.each(nodeLtsLines)('on Node %s', (line: NodeLtsLine) => {
    // The line's binary first on PATH, so npm itself, its scripts and vitest all run on it.
    const env = () => ({ ...process.env, PATH: `${dirname(nodeBinary(line))}${delimiter}${process.env['PATH'] ?? ''}` });

    it('npm scripts run on this Node, and the service passes its own tests', async () => {
      const version = await run('npm', ['exec', '--call', 'node --version'], { cwd: service, env: env() });
      expect(version.stdout.trim()).toMatch(new RegExp(`^v${line}\\.`));
      const test = await timed(`Node ${line}: npm test`, () => run('npm', ['test'], { cwd: service, env: env() }));
      expect(stripVTControlCharacters(test.stdout)).toMatch(/Tests\s+\d+ passed/);
    });

    it('builds, serves MCP over Streamable HTTP and exits 0 on SIGTERM', async () => {
      await timed(`Node ${line}: npm run build`, () => run('npm', ['run', 'build'], { cwd: service, env: env() }));
      const port = await freePort();
      const url = `http://127.0.0.1:${port}`;
      const child = spawn(nodeBinary(line), ['dist/main.js'], {
        cwd: service,
        env: { ...env(), PORT: String(port), HOST: '127.0.0.1', PGLITE_DATA_DIR: join(work, `pglite-${line}`) },
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      let output = '';
      child.stdout.on('data', (d: Buffer) => (output += d.toString()));
      child.stderr.on('data', (d: Buffer) => (output += d.toString()));
      const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
      try {
        await timed(`Node ${line}: start to /healthz 200`, () =>
          Promise.race([
            waitFor('the service to answer /healthz', async () => ((await fetch(`${url}/healthz`)).ok ? true : undefined), 60_000),
            exited.then((code) => {
              throw new Error(`service exited with ${code} before it was healthy:\n${output}`);
            }),
          ]),
        );
        await timed(`Node ${line}: MCP client checks`, () => checkExampleCapabilities(url));
        if (line === '22') {
          // Inspector 2.x needs Node >= 22.19. HOME in the work directory: it keeps state in ~/.mcp-inspector.
          const listed = await timed('Node 22: inspector --cli tools/list', () =>
            run(nodeBinary(line), [inspectorLauncher(), '--cli', `${url}/mcp`, '--method', 'tools/list'], {
              cwd: work,
              env: { ...env(), HOME: work, MCP_INSPECTOR_SECRET_STORE: 'memory' },
            }),
          );
          const { tools } = JSON.parse(listed.stdout) as { tools: Array<{ name: string }> };
          expect(tools.map((t) => t.name).sort()).toEqual(['add_note', 'search_notes', 'text_stats']);
        }
      } finally {
        child.kill('SIGTERM');
        const timer = setTimeout(() => child.kill('SIGKILL'), 15_000);
        const code = await exited;
        clearTimeout(timer);
        expect(code, output).toBe(0);
      }
    });
  });
});
