import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { stripVTControlCharacters } from 'node:util';
import { Client } from '@modelcontextprotocol/client';
import { StdioClientTransport } from '@modelcontextprotocol/client/stdio';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { nx, repoRoot, setUpSlipwayWorkspace, type SlipwayWorkspace } from '../tools/local-packages.js';
import { checkExampleCapabilities } from './support/mcp-checks.js';
import { freePort } from './support/ports.js';
import { checkProtocolEdges } from './support/protocol-checks.js';
import { startPostgres, type PostgresServer } from './support/postgres.js';
import { run } from './support/run.js';
import { startServiceProcess } from './support/service-process.js';

/**
 * The product's core path, as a user meets it: the packed plugin installed into a fresh Nx
 * workspace, `nx g @slipway/nx:new-mcp-service orders`, then install, build, test, serve and call.
 */
describe('nx g @slipway/nx:new-mcp-service orders, end to end', () => {
  const work = mkdtempSync(join(tmpdir(), 'slipway-e2e-'));
  const workspace = join(work, 'workspace');
  const service = join(workspace, 'services/orders');
  let slipway: SlipwayWorkspace | undefined;
  let postgres: PostgresServer | undefined;

  beforeAll(async () => {
    slipway = await setUpSlipwayWorkspace(work);
    nx(workspace, ['g', '@slipway/nx:new-mcp-service', 'orders', '--no-interactive']);
  });

  afterAll(async () => {
    await postgres?.stop();
    await slipway?.registry.stop();
    if (!process.env['SLIPWAY_KEEP_E2E']) rmSync(work, { recursive: true, force: true });
  });

  it('installs the service with the packed runtime and the MCP SDK v2', () => {
    const runtime = JSON.parse(readFileSync(join(workspace, 'node_modules/@slipway/mcp-runtime/package.json'), 'utf8'));
    expect(runtime.version).toBe(JSON.parse(readFileSync(join(repoRoot, 'packages/mcp-runtime/package.json'), 'utf8')).version);
    expect(existsSync(join(workspace, 'node_modules/@modelcontextprotocol/server'))).toBe(true);
    expect(existsSync(join(workspace, 'node_modules/@modelcontextprotocol/sdk'))).toBe(false);
  });

  it('builds, type-checks and passes its own tests through Nx', () => {
    nx(workspace, ['run-many', '-t', 'build', 'typecheck', '-p', 'orders']);
    expect(existsSync(join(service, 'dist/main.js'))).toBe(true);
    expect(existsSync(join(service, 'dist/db/migrations/0001_create_notes.sql'))).toBe(true);
    expect(existsSync(join(service, 'dist/db/pglite-template.tgz')), 'the build makes the PGlite template').toBe(true);
    const output = stripVTControlCharacters(nx(workspace, ['run', 'orders:test']));
    expect(output).toMatch(/Tests\s+\d+ passed/);
  });

  it('changes nothing when the generator runs again on the unchanged service', () => {
    execFileSync('git', ['add', '-A'], { cwd: workspace });
    execFileSync('git', ['-c', 'user.name=e2e', '-c', 'user.email=e2e@example.com', 'commit', '-qm', 'generated'], { cwd: workspace });
    nx(workspace, ['g', '@slipway/nx:new-mcp-service', 'orders', '--no-interactive']);
    const status = execFileSync('git', ['status', '--porcelain', '--', 'services', 'package.json', 'package-lock.json'], {
      cwd: workspace,
      encoding: 'utf8',
    });
    expect(status).toBe('');
  });

  it('runs every deployment generator from the packed plugin, and the result passes the installed validators (nx run orders:validate)', async () => {
    for (const target of ['k8s', 'azure', 'github-actions', 'azure-pipelines']) {
      nx(workspace, ['g', `@slipway/nx:${target}`, 'orders', '--no-interactive']);
    }
    const answers = JSON.parse(readFileSync(join(service, '.slipway-answers.json'), 'utf8'));
    expect(Object.keys(answers.records)).toHaveLength(7);
    // The installed @slipway/validate (pinned by init), as a user runs it: the inferred target in CI mode…
    nx(workspace, ['run', 'orders:validate', '-c', 'ci']);
    // …and its CLI's JSON report: all seven generations checked, no problem, no check skipped.
    const validate = await run(join(workspace, 'node_modules/.bin/slipway-validate'), ['.', 'orders', '--json', '--require-tools'], {
      cwd: workspace,
      allowFailure: true,
    });
    expect(validate.code, validate.stdout + validate.stderr).toBe(0);
    const report = JSON.parse(validate.stdout) as { ok: boolean; checked: unknown[]; problems: unknown[]; skipped: unknown[] };
    expect(report).toMatchObject({ ok: true, problems: [], skipped: [] });
    expect(report.checked).toHaveLength(7);
  });

  it('nx run orders:validate fails, naming file and rule, after each owner edit that breaks an artifact, and lists checks it skipped', async () => {
    const nxBin = join(workspace, 'node_modules/.bin/nx');
    const nxEnv = () => ({ ...process.env, NX_DAEMON: 'false', NX_NO_CLOUD: 'true', NX_SKIP_NX_CACHE: 'true' });
    const validate = () => run(nxBin, ['run', 'orders:validate'], { cwd: workspace, env: nxEnv(), allowFailure: true });
    const delivery = readdirSync(join(workspace, '.github/workflows')).find((name) => name.endsWith('delivery.yml'));
    const workflow = delivery && `.github/workflows/${delivery}`;
    expect(workflow, 'the delivery workflow is generated').toBeDefined();
    // Problems print as `file:line: rule: message`, one a line.
    const problems = (output: string) =>
      output.split('\n').flatMap((line) => {
        const match = /^(.+?):(\d+): (.+?): (.*)$/.exec(line.trim());
        return match ? [{ file: match[1]!, line: Number(match[2]), rule: match[3]!, message: match[4]! }] : [];
      });
    // `in`: where the problem is reported (kubectl reports on the kustomization that renders the file).
    const edits: Array<{ file: string; in?: string; edit: (text: string) => string; rule: RegExp; message: RegExp }> = [
      { file: 'services/orders/Dockerfile', edit: (t) => t.replace(/^USER .*$/m, 'USER root'), rule: /dockerfile/i, message: /root/i },
      {
        file: workflow!,
        edit: (t) => t.replace(/uses: actions\/checkout@[0-9a-f]{40}[^\n]*/, 'uses: actions/checkout@main'),
        rule: /workflow/i,
        message: /checkout@main|SHA/i,
      },
      {
        file: 'services/orders/deploy/k8s/base/workload.yaml',
        in: 'services/orders/deploy/k8s/',
        edit: (t) => `${t}\n---\napiVersion: v1\nkind: SecurityContext\nmetadata:\n  name: orders\n`,
        rule: /kubectl|kubernetes/i,
        message: /SecurityContext/,
      },
      {
        file: 'services/orders/infra/modules/registry.bicep',
        edit: (t) => t.replace('adminUserEnabled: false', 'adminUserEnabld: false'),
        rule: /bicep/i,
        message: /adminUserEnabld/,
      },
    ];
    for (const { file, in: reportedIn = file, edit, rule, message } of edits) {
      const path = join(workspace, file);
      const original = readFileSync(path, 'utf8');
      const edited = edit(original);
      expect(edited, `the edit of ${file} changes it`).not.toBe(original);
      writeFileSync(path, edited);
      try {
        const result = await validate();
        const output = result.stdout + result.stderr;
        expect(result.code, `${file}: validate must fail\n${output}`).not.toBe(0);
        const named = problems(output).filter((p) => p.file.startsWith(reportedIn) && p.line > 0 && rule.test(p.rule) && message.test(p.message));
        expect(named, `${file}: a problem naming the file, a line and the rule\n${output}`).not.toEqual([]);
      } finally {
        writeFileSync(path, original);
      }
    }

    // shellcheck absent: the installed CLI the target runs, on a PATH with node and every other tool (Nx's
    // task runner puts the system folders back on PATH). It passes, but says what did not run.
    const bin = join(work, 'bin-without-shellcheck');
    mkdirSync(bin, { recursive: true });
    for (const tool of ['yamllint', 'kubectl', 'docker-compose', 'git']) symlinkSync(`/usr/bin/${tool}`, join(bin, tool));
    symlinkSync(process.execPath, join(bin, 'node'));
    const skipped = await run(join(workspace, 'node_modules/.bin/slipway-validate'), ['.', 'orders'], {
      cwd: workspace,
      env: { ...process.env, PATH: bin },
      allowFailure: true,
    });
    expect(skipped.code, skipped.stdout + skipped.stderr).toBe(0);
    expect(skipped.stdout + skipped.stderr).toMatch(/shellcheck did not run: shellcheck is not on PATH \(orders\); install: apt-get install shellcheck/);
  });

  it('infers a drift check that passes on the untouched service and fails in CI on an edit', () => {
    expect(nx(workspace, ['run', 'orders:slipway-check'])).toMatch(/in sync/);
    // The sync generator init registers: nothing is behind the installed templates.
    expect(nx(workspace, ['sync:check'])).toMatch(/up to date/i);
    const readme = join(service, 'README.md');
    const original = readFileSync(readme, 'utf8');
    writeFileSync(readme, `${original}\nLocal notes.\n`);
    try {
      const failure = (() => {
        try {
          nx(workspace, ['run', 'orders:slipway-check', '--ci']);
          return undefined;
        } catch (error) {
          return error as { stdout?: string };
        }
      })();
      expect(failure, 'the check fails in CI mode').toBeDefined();
      expect(failure?.stdout).toMatch(/edited\s+services\/orders\/README\.md/);
    } finally {
      writeFileSync(readme, original);
    }
  });

  it('serves MCP on the embedded PGlite database, with health, metrics and a clean SIGTERM', async () => {
    const port = await freePort();
    const started = Date.now();
    const proc = await startServiceProcess(service, { PORT: String(port), HOST: '127.0.0.1', PGLITE_DATA_DIR: join(work, 'pglite') }, port);
    const coldStartMs = Date.now() - started;
    try {
      await checkExampleCapabilities(proc.url);

      const ready = await fetch(`${proc.url}/readyz`);
      expect(ready.status).toBe(200);
      expect(await ready.json()).toMatchObject({ checks: { database: 'ok' } });
      const metrics = await (await fetch(`${proc.url}/metrics`)).text();
      expect(metrics).toMatch(/mcp_tool_calls_total\{[^}]*tool="add_note"[^}]*\} 1/);
      expect(metrics).toMatch(/mcp_tool_calls_total\{[^}]*outcome="error"[^}]*\}/);
      expect(metrics).toContain('process_resident_memory_bytes');
      expect(metrics).toMatch(/http_requests_total\{[^}]*route="\/mcp"/);
    } finally {
      expect(await proc.stop('SIGTERM')).toBe(0);
    }
    const logs = proc.output().trim().split('\n');
    for (const line of logs) expect(() => JSON.parse(line), line).not.toThrow();
    expect(proc.output()).not.toContain('espresso');
    expect(proc.output(), 'a new data directory starts from the template, not initdb').toContain('"fromTemplate":true');
    console.info(`PGlite first start to healthy (new data directory, from the build's template): ${coldStartMs} ms`);

    // A second start reuses the data directory: no initdb, and the migration is not applied twice.
    const again = await startServiceProcess(service, { PORT: String(port), HOST: '127.0.0.1', PGLITE_DATA_DIR: join(work, 'pglite') }, port);
    try {
      await checkExampleCapabilities(again.url);
    } finally {
      expect(await again.stop('SIGTERM')).toBe(0);
    }
  });

  it('passes the MCP conformance protocol scenarios', async () => {
    const port = await freePort();
    const proc = await startServiceProcess(service, { PORT: String(port), HOST: '127.0.0.1', PGLITE_DATA_DIR: join(work, 'pglite') }, port);
    try {
      const conformance = join(repoRoot, 'node_modules/.bin/conformance');
      for (const scenario of PROTOCOL_SCENARIOS) {
        const result = await run(conformance, ['server', '--url', `${proc.url}/mcp`, '--scenario', scenario], {
          cwd: work,
          allowFailure: true,
        });
        expect(result.code, `${scenario}\n${result.stdout}\n${result.stderr}`).toBe(0);
      }
      await checkProtocolEdges(proc.url);
    } finally {
      expect(await proc.stop('SIGTERM')).toBe(0);
    }
  });

  it('serves the same capabilities over stdio, with nothing but protocol on stdout', async () => {
    const client = new Client({ name: 'slipway-e2e-stdio', version: '1.0.0' });
    const transport = new StdioClientTransport({
      command: process.execPath,
      args: ['dist/stdio.js'],
      cwd: service,
      env: { PATH: process.env['PATH'] ?? '', PGLITE_DATA_DIR: join(work, 'pglite-stdio') },
      stderr: 'pipe',
    });
    await client.connect(transport);
    try {
      const { tools } = await client.listTools();
      expect(tools.map((t) => t.name).sort()).toEqual(['add_note', 'search_notes', 'text_stats']);
      const result = await client.callTool({ name: 'text_stats', arguments: { text: 'a b c' } });
      expect(result.structuredContent).toMatchObject({ words: 3 });
    } finally {
      await client.close();
    }
  });

  it('stops with one clear line naming a bad configuration variable', async () => {
    const result = await run(process.execPath, ['dist/main.js'], {
      cwd: service,
      env: { ...process.env, PORT: 'not-a-port' },
      allowFailure: true,
    });
    expect(result.code).toBe(1);
    const lines = result.stderr.trim().split('\n');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/PORT/);
  });

  describe('on a real PostgreSQL server (Debian postgresql)', () => {
    // The superuser is the owner credential (DATABASE_MIGRATION_URL); the service serves as its own login.
    let appUrl = '';
    beforeAll(async () => {
      postgres = await startPostgres();
      console.info(`PostgreSQL for the e2e test: ${postgres.version}`);
      const url = new URL(postgres.url);
      url.username = 'orders_app';
      url.password = 'orders-app-password';
      appUrl = url.toString();
    });

    it('refuses to serve as the superuser, with one line naming DATABASE_URL and the fix', async () => {
      const result = await run(process.execPath, ['dist/main.js'], {
        cwd: service,
        env: { ...process.env, PORT: String(await freePort()), DATABASE_URL: postgres!.url },
        allowFailure: true,
      });
      expect(result.code).toBe(1);
      const lines = result.stderr.trim().split('\n');
      expect(lines).toHaveLength(1);
      expect(lines[0]).toMatch(/^DATABASE_URL logs in as postgres, a superuser: .*DATABASE_MIGRATION_URL=.*`npm run migrate` creates it$/);
    });

    it('migrates as the owner (npm run migrate), then serves the same MCP checks as its own login', async () => {
      const pending = await run(process.execPath, ['dist/main.js'], {
        cwd: service,
        env: { ...process.env, PORT: String(await freePort()), DATABASE_URL: appUrl },
        allowFailure: true,
      });
      expect(pending.code).toBe(1);
      expect(pending.stderr.trim()).toMatch(/^DATABASE_URL's login orders_app does not exist: run `npm run migrate` [^\n]*$/);

      await run('npm', ['run', 'migrate'], { cwd: service, env: { ...process.env, DATABASE_MIGRATION_URL: postgres!.url, DATABASE_URL: appUrl } });
      const login = await run('psql', [
        postgres!.url,
        '-Atc',
        "SELECT rolsuper, rolcreaterole, rolbypassrls, rolcanlogin FROM pg_roles WHERE rolname = 'orders_app'",
      ]);
      expect(login.stdout.trim()).toBe('f|f|f|t');

      const port = await freePort();
      const proc = await startServiceProcess(service, { PORT: String(port), HOST: '127.0.0.1', DATABASE_URL: appUrl }, port);
      try {
        await checkExampleCapabilities(proc.url);
        expect((await fetch(`${proc.url}/readyz`)).status).toBe(200);
      } finally {
        expect(await proc.stop('SIGTERM')).toBe(0);
      }
      const applied = await run('psql', [postgres!.url, '-Atc', 'SELECT name FROM slipway_migrations']);
      expect(applied.stdout.trim()).toBe('0001_create_notes.sql');
      const ledger = await run('psql', [appUrl, '-Atc', "INSERT INTO slipway_migrations (name, checksum) VALUES ('x', 'y')"], { allowFailure: true });
      expect(ledger.stderr).toMatch(/permission denied/);
    });

    it('passes its own tests against PostgreSQL too', () => {
      // The service's tests use PGlite in memory unless DATABASE_URL is set; this runs them on the server,
      // migrating in-process as the owner first.
      const output = execFileSync('npm', ['test'], {
        cwd: service,
        encoding: 'utf8',
        env: { ...process.env, DATABASE_MIGRATION_URL: postgres!.url, DATABASE_URL: appUrl },
      });
      expect(stripVTControlCharacters(output)).toMatch(/Tests\s+\d+ passed/);
    });
  });
});

/**
 * Protocol scenarios of @modelcontextprotocol/conformance 0.1.13 that any server must pass.
 * Excluded, because they call fixtures of the suite's reference "everything" server that a real
 * service does not have: tools-call-error (`test_error_handling`), tools-call-* (`test_simple_text`,
 * `test_image_content`, ...), resources-* (`test://static-text`, ...), prompts-* (`test_simple_prompt`,
 * ...), json-schema-2020-12, and the scenarios for capabilities the example does not declare
 * (logging-set-level, completion-complete, sampling, elicitation, resource subscriptions, SSE polling
 * and multiple streams). 0.1.13 has no header-validation or stateless scenario: checkProtocolEdges
 * covers those, and tool errors, on the wire.
 */
const PROTOCOL_SCENARIOS = ['server-initialize', 'ping', 'tools-list', 'dns-rebinding-protection'] as const;
