import { execFile } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { createTreeWithEmptyWorkspace } from '@nx/devkit/testing';
import { baseConfigSchema, createLogger, loadConfig, startHttpService, type RunningService } from '@slipway/mcp-runtime';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { textStatsTool } from '../../templates/server/src/capabilities/text-stats.js';
import newMcpServiceGenerator from '../new-mcp-service/generator.js';
import generator from './generator.js';

const execFileAsync = promisify(execFile);

interface RunResult {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

async function run(script: string, args: readonly string[], env: Record<string, string>): Promise<RunResult> {
  try {
    const { stdout, stderr } = await execFileAsync('bash', [script, ...args], { env: { ...process.env, ...env } });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const e = error as { code?: number; stdout?: string; stderr?: string };
    return { code: e.code ?? 1, stdout: e.stdout ?? '', stderr: e.stderr ?? '' };
  }
}

describe('delivery scripts', () => {
  let dir: string;
  let smoke: string;
  let deploy: string;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'slipway-scripts-'));
    const tree = createTreeWithEmptyWorkspace();
    await newMcpServiceGenerator(tree, { name: 'orders', skipInstall: true });
    await generator(tree, { project: 'orders' });
    // The scripts exactly as the generator writes them for a Slipway service.
    smoke = join(dir, 'smoke-test.sh');
    deploy = join(dir, 'deploy-container-app.sh');
    writeFileSync(smoke, tree.read('services/orders/scripts/smoke-test.sh', 'utf-8')!);
    writeFileSync(deploy, tree.read('services/orders/scripts/deploy-container-app.sh', 'utf-8')!);
  });

  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  describe('smoke-test.sh, against a real MCP service on the Slipway runtime', () => {
    const services: RunningService[] = [];
    let jsonUrl: string;
    let sseUrl: string;

    beforeAll(async () => {
      const config = { ...loadConfig(baseConfigSchema), PORT: 0 };
      const logger = createLogger({ name: 'smoke', level: 'silent' });
      const start = (jsonResponses: boolean) =>
        startHttpService({
          info: { name: 'orders', version: '1.0.0' },
          capabilities: { tools: [textStatsTool] },
          config,
          logger,
          handleSignals: false,
          jsonResponses,
        });
      services.push(await start(true), await start(false));
      jsonUrl = services[0]!.url;
      sseUrl = services[1]!.url;
    });

    afterAll(async () => {
      await Promise.all(services.map((s) => s.close()));
    });

    it('passes: /healthz answers 200 and tools/call text_stats returns a result (JSON answer)', async () => {
      const result = await run(smoke, [jsonUrl], {});
      expect(result.stderr).toBe('');
      expect(result.code).toBe(0);
      expect(result.stdout).toContain('ok: GET');
      expect(result.stdout).toContain('ok: tools/call text_stats returned a result');
    });

    it('passes when the answer is an SSE stream', async () => {
      const result = await run(smoke, [`${sseUrl}/`], {});
      expect(result.code, result.stderr).toBe(0);
    });

    it('lists tools when SMOKE_TOOL is empty (what adopted projects do)', async () => {
      const result = await run(smoke, [jsonUrl], { SMOKE_TOOL: '' });
      expect(result.code, result.stderr).toBe(0);
      expect(result.stdout).toContain('ok: tools/list returned a result');
    });

    it('fails on an unknown tool (a JSON-RPC error, no result)', async () => {
      const result = await run(smoke, [jsonUrl], { SMOKE_TOOL: 'no_such_tool' });
      expect(result.code).toBe(1);
      expect(result.stderr).toMatch(/tools\/call no_such_tool (returned no result|failed)/);
    });

    it('fails when the tool reports an error', async () => {
      const result = await run(smoke, [jsonUrl], { SMOKE_TOOL_ARGUMENTS: '{"text":42}' });
      expect(result.code).toBe(1);
      expect(result.stderr).toContain('returned a tool error');
    });

    it('sends SMOKE_BEARER_TOKEN to a service behind OAuth, and fails without it', async () => {
      const server = createServer((req, res) => {
        if (req.url === '/healthz') return void res.writeHead(200).end('{"status":"ok"}');
        if (req.headers.authorization !== 'Bearer t0k3n') return void res.writeHead(401, { 'www-authenticate': 'Bearer' }).end();
        res.writeHead(200, { 'content-type': 'application/json' }).end('{"jsonrpc":"2.0","id":1,"result":{"content":[]}}');
      });
      await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
      const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
      try {
        expect((await run(smoke, [url], { SMOKE_BEARER_TOKEN: 't0k3n' })).code).toBe(0);
        const without = await run(smoke, [url], {});
        expect(without.code).toBe(1);
        expect(without.stderr).toContain('returned error: 401');
        expect(without.stderr).toMatch(/error: POST .*\/mcp \(tools\/call text_stats\) failed/);
      } finally {
        server.close();
      }
    });

    it('fails when /healthz never answers', async () => {
      const result = await run(smoke, ['http://127.0.0.1:9'], { SMOKE_ATTEMPTS: '2', SMOKE_DELAY_SECONDS: '0' });
      expect(result.code).toBe(1);
      expect(result.stderr).toContain('after 2 attempts');
    });
  });

  describe('deploy-container-app.sh, against a recording az stand-in', () => {
    let bin: string;
    let log: string;

    // Answers the az calls the script makes, and records every call.
    const AZ = `#!/usr/bin/env bash
printf '%s\\n' "$*" >> "$AZ_LOG"
case "$*" in
  *activeRevisionsMode*) echo "$AZ_MODE" ;;
  *ingress.fqdn*) echo "orders.happy-sea.eastus.azurecontainerapps.io" ;;
  *latestReadyRevisionName*) echo "orders--r1-1" ;;
  *"traffic show"*"latestRevision"*) echo "100" ;;
  *"traffic show"*"label"*) echo "$AZ_LIVE_LABEL" ;;
  *"traffic show"*) echo "" ;;
  *"account get-access-token"*) echo "token-for-\${*: -5:1}" ;;
  *"job start"*) echo "orders-migrate-x1" ;;
  *"job execution show"*) echo "$AZ_JOB_STATUS" ;;
  *"revision show"*)
    n=$(cat "$AZ_LOG.polls" 2>/dev/null || echo 0); echo $((n + 1)) > "$AZ_LOG.polls"
    if [ "$n" -eq 0 ]; then echo "Provisioning/None/Processing"; else echo "$AZ_REVISION_STATE"; fi ;;
esac
`;

    beforeAll(() => {
      bin = join(dir, 'bin');
      mkdirSync(bin);
      writeFileSync(join(bin, 'az'), AZ);
      chmodSync(join(bin, 'az'), 0o755);
    });

    async function deployWith(
      env: Record<string, string>,
      smokePasses: boolean,
    ): Promise<RunResult & { calls: string[]; smokedUrl: string; smokeToken: string }> {
      const work = mkdtempSync(join(dir, 'deploy-'));
      log = join(work, 'az.log');
      writeFileSync(join(work, 'deploy-container-app.sh'), readFileSync(deploy));
      // The deploy script runs the smoke test beside it: a stand-in records the URL it was given.
      writeFileSync(
        join(work, 'smoke-test.sh'),
        `echo "$1" > "${join(work, 'smoked')}"\necho "\${SMOKE_BEARER_TOKEN:-}" > "${join(work, 'token')}"\nexit ${smokePasses ? 0 : 1}\n`,
      );
      const output = join(work, 'github-output');
      const result = await run(join(work, 'deploy-container-app.sh'), [], {
        PATH: `${bin}:${process.env['PATH']}`,
        AZ_LOG: log,
        AZ_REVISION_STATE: 'Provisioned/Healthy/Running',
        AZ_LIVE_LABEL: '',
        RESOURCE_GROUP: 'rg-orders-staging',
        CONTAINER_APP: 'orders',
        IMAGE: 'ghcr.io/acme/orders@sha256:abc',
        REVISION_SUFFIX: 'r2-1',
        POLL_SECONDS: '0',
        GITHUB_OUTPUT: output,
        ...env,
      });
      const read = (file: string) => {
        try {
          return readFileSync(file, 'utf8').trim();
        } catch {
          return '';
        }
      };
      return {
        ...result,
        calls: read(log).split('\n'),
        smokedUrl: read(join(work, 'smoked')),
        smokeToken: read(join(work, 'token')),
        stdout: `${result.stdout}${read(output)}`,
      };
    }

    it('blue-green: pins live traffic, deploys with no traffic, smoke-tests the free label, then moves traffic', async () => {
      const result = await deployWith({ AZ_MODE: 'Multiple', AZ_LIVE_LABEL: 'blue' }, true);
      expect(result.code, result.stderr).toBe(0);
      const calls = result.calls.map((c) => c.replace(/ --resource-group rg-orders-staging --name orders/, ''));
      const order = (fragment: string) => calls.findIndex((c) => c.includes(fragment));
      expect(calls).toContain('containerapp ingress traffic set --revision-weight latest=0 orders--r1-1=100 --output none');
      expect(calls).toContain('containerapp update --image ghcr.io/acme/orders@sha256:abc --revision-suffix r2-1 --output none');
      expect(order('traffic set --revision-weight latest=0')).toBeLessThan(order('containerapp update'));
      expect(order('containerapp update')).toBeLessThan(order('label add --label green --revision orders--r2-1'));
      expect(result.smokedUrl).toBe('https://orders---green.happy-sea.eastus.azurecontainerapps.io');
      expect(order('label add --label green')).toBeLessThan(order('--revision-weight orders--r2-1=100'));
      expect(result.stdout).toContain('url=https://orders.happy-sea.eastus.azurecontainerapps.io');
      expect(result.stdout).toContain('--revision-weight orders--r1-1=100');
    });

    it('blue-green: takes the blue label when green is live, or on the first deployment', async () => {
      for (const live of ['green', '']) {
        const result = await deployWith({ AZ_MODE: 'Multiple', AZ_LIVE_LABEL: live }, true);
        expect(result.code, result.stderr).toBe(0);
        expect(result.smokedUrl).toBe('https://orders---blue.happy-sea.eastus.azurecontainerapps.io');
      }
    });

    it('blue-green: a failed smoke test deactivates the new revision and leaves traffic alone', async () => {
      const result = await deployWith({ AZ_MODE: 'Multiple' }, false);
      expect(result.code).toBe(1);
      expect(result.stderr).toContain('failed its smoke test');
      expect(result.calls.some((c) => c.includes('revision deactivate') && c.includes('orders--r2-1'))).toBe(true);
      expect(result.calls.some((c) => c.includes('orders--r2-1=100'))).toBe(false);
    });

    it('single revision mode: smoke-tests the app URL once the revision is healthy', async () => {
      const result = await deployWith({ AZ_MODE: 'Single' }, true);
      expect(result.code, result.stderr).toBe(0);
      expect(result.smokedUrl).toBe('https://orders.happy-sea.eastus.azurecontainerapps.io');
      expect(result.calls.some((c) => c.includes('label'))).toBe(false);
    });

    it('gets the smoke test a bearer token for SMOKE_TOKEN_RESOURCE as the logged-in identity', async () => {
      const result = await deployWith({ AZ_MODE: 'Single', SMOKE_TOKEN_RESOURCE: 'api://orders' }, true);
      expect(result.code, result.stderr).toBe(0);
      expect(result.calls).toContain('account get-access-token --resource api://orders --query accessToken --output tsv');
      expect(result.smokeToken).toBe('token-for-api://orders');
      expect((await deployWith({ AZ_MODE: 'Single' }, true)).smokeToken).toBe('');
    });

    it('stops when the revision fails to start', async () => {
      const result = await deployWith({ AZ_MODE: 'Multiple', AZ_REVISION_STATE: 'Failed/Unhealthy/Failed' }, true);
      expect(result.code).toBe(1);
      expect(result.stderr).toContain('revision orders--r2-1 failed to start (Failed/Unhealthy/Failed)');
      expect(result.smokedUrl).toBe('');
    });

    it('with MIGRATION_JOB: runs the migration job on the new image and waits for it before the app changes', async () => {
      const result = await deployWith({ AZ_MODE: 'Single', MIGRATION_JOB: 'orders-migrate', AZ_JOB_STATUS: 'Succeeded' }, true);
      expect(result.code, result.stderr).toBe(0);
      const order = (fragment: string) => result.calls.findIndex((c) => c.includes(fragment));
      expect(result.calls).toContain(
        'containerapp job update --resource-group rg-orders-staging --name orders-migrate --image ghcr.io/acme/orders@sha256:abc --output none',
      );
      expect(order('job update')).toBeLessThan(order('job start'));
      expect(order('job execution show')).toBeLessThan(order('containerapp update'));
      expect(result.calls).toContain(
        'containerapp job execution show --resource-group rg-orders-staging --name orders-migrate --job-execution-name orders-migrate-x1 --query properties.status --output tsv',
      );
      // No credential passes through the pipeline: the job reads the owner's secret from Key Vault itself.
      expect(result.calls.join('\n')).not.toMatch(/secret|password|DATABASE/i);
      expect((await deployWith({ AZ_MODE: 'Single' }, true)).calls.some((c) => c.includes('job'))).toBe(false);
    });

    it('with MIGRATION_JOB: a failed migration stops the release before the app changes', async () => {
      const result = await deployWith({ AZ_MODE: 'Multiple', MIGRATION_JOB: 'orders-migrate', AZ_JOB_STATUS: 'Failed' }, true);
      expect(result.code).toBe(1);
      expect(result.stderr).toContain('error: migration orders-migrate-x1 ended Failed; orders was not changed');
      expect(result.calls.some((c) => c.startsWith('containerapp update'))).toBe(false);
    });

    it('names each missing setting', async () => {
      const result = await deployWith({ AZ_MODE: 'Multiple', IMAGE: '' }, true);
      expect(result.code).toBe(1);
      expect(result.stderr).toContain('set IMAGE to the image to deploy, by digest');
    });
  });
});
