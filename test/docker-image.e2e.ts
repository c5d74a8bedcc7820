import { appendFileSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { nodeBaseImages, defaultNodeLine } from '../packages/nx/src/versions.js';
import { nx, setUpSlipwayWorkspace, type SlipwayWorkspace } from '../tools/local-packages.js';
import { buildContextOverride, ensurePodmanTools, ensureStandInBaseImage, podmanEnvironment, type StandInImage } from '../tools/stand-in-base-image.js';
import { checkExampleCapabilities } from './support/mcp-checks.js';
import { freePort, waitFor } from './support/ports.js';
import { run } from './support/run.js';
import { completePlatformEntries } from '../tools/lockfile.js';

/**
 * The generated Dockerfile, built and run the way a user would, with podman as root: a fresh
 * workspace with the packed plugin, `nx g @slipway/nx:new-mcp-service orders`, `nx g
 * @slipway/nx:docker orders`, then `podman build` with the workspace .npmrc as a build secret (the
 * @slipway scope comes from a local registry, as private packages do) and `podman run` on loopback.
 *
 * No registry serves the pinned node image here, and podman cannot tag by digest, so the build swaps
 * the pinned FROM for a local stand-in (tools/stand-in-base-image.ts) with --build-context. The
 * Dockerfile itself is built exactly as generated.
 */

const base = nodeBaseImages[defaultNodeLine];
const IMAGE = 'localhost/slipway-e2e/orders:test';
const CONTAINER = `slipway-e2e-orders-${process.pid}`;

describe('nx g @slipway/nx:docker orders: the image builds, runs and answers', () => {
  const work = mkdtempSync(join(tmpdir(), 'slipway-docker-e2e-'));
  const workspace = join(work, 'workspace');
  let slipway: SlipwayWorkspace | undefined;
  let podman: NodeJS.ProcessEnv;
  let standIn: StandInImage;
  const timings: Record<string, string> = {};
  // Every image the builds made (`--> <id>` per step), removed afterwards; the stand-in base is kept for the next run.
  const builtImages = new Set<string>();

  const podmanRun = (args: readonly string[], allowFailure = false) => run('podman', args, { env: podman, allowFailure });
  const build = async (cache: boolean) => {
    const started = Date.now();
    const result = await podmanRun([
      'build',
      ...(cache ? [] : ['--no-cache']),
      '--network',
      'host',
      '--format',
      'docker',
      '--pull=never',
      '--build-context',
      buildContextOverride(base, standIn.tag),
      '--secret',
      `id=npmrc,src=${join(workspace, '.npmrc')}`,
      '--build-arg',
      'REVISION=e2e',
      '-f',
      'services/orders/Dockerfile',
      '-t',
      IMAGE,
      workspace,
    ]);
    const output = result.stdout + result.stderr;
    for (const match of output.matchAll(/^--> (?:Using cache )?([0-9a-f]{11,64})$/gm)) builtImages.add(match[1]!.slice(0, 11));
    return { seconds: (Date.now() - started) / 1000, output };
  };

  beforeAll(async () => {
    await ensurePodmanTools();
    podman = podmanEnvironment(join(work, 'podman'));
    const started = Date.now();
    // The base image and the workspace are independent: prepare them side by side.
    [standIn, slipway] = await Promise.all([ensureStandInBaseImage(defaultNodeLine, work, podman), setUpSlipwayWorkspace(work)]);
    timings['stand-in base image'] = standIn.reused ? 'reused' : `${standIn.seconds} s`;
    nx(workspace, ['g', '@slipway/nx:new-mcp-service', 'orders', '--no-interactive']);
    nx(workspace, ['g', '@slipway/nx:docker', 'orders', '--no-interactive']);
    const added = completePlatformEntries(join(workspace, 'package-lock.json'));
    if (added.length > 0) console.info(`lockfile: added OS-restricted optional entries the local registry lacks: ${added.join(', ')}`);
    timings['workspace + generators'] = `${Math.round((Date.now() - started) / 1000)} s`;
  });

  afterAll(async () => {
    await podmanRun(['rm', '-f', CONTAINER], true).catch(() => undefined);
    const baseId = standIn ? (await podmanRun(['image', 'inspect', '--format', '{{.Id}}', standIn.tag], true)).stdout.trim() : '';
    const ours = [...builtImages].filter((id) => !baseId.startsWith(id));
    await podmanRun(['rmi', '-f', IMAGE, ...ours], true).catch(() => undefined);
    await slipway?.registry.stop();
    console.info(`docker e2e timings: ${JSON.stringify(timings)}`);
    if (!process.env['SLIPWAY_KEEP_E2E']) rmSync(work, { recursive: true, force: true });
  });

  it('generates the Dockerfile and the workspace .dockerignore', () => {
    const dockerfile = readFileSync(join(workspace, 'services/orders/Dockerfile'), 'utf8');
    expect(dockerfile).toContain(`FROM ${base.name}:${base.tag}@${base.digest} AS base`);
    expect(readFileSync(join(workspace, '.dockerignore'), 'utf8')).toContain('**/.npmrc');
  });

  it('builds cold, then rebuilds a source change from the dependency cache', async () => {
    const cold = await build(false);
    timings['cold build'] = `${cold.seconds.toFixed(1)} s`;
    appendFileSync(join(workspace, 'services/orders/src/capabilities/text-stats.ts'), '\n// touched by the e2e test\n');
    const cached = await build(true);
    timings['rebuild after a source change'] = `${cached.seconds.toFixed(1)} s`;
    // npm ci (both installs) and tini come from the cache; only the source copy and the build rerun.
    expect(cached.output.match(/Using cache/g)?.length ?? 0).toBeGreaterThanOrEqual(4);
    expect(cached.seconds).toBeLessThan(cold.seconds);

    const size = async (image: string) => Number((await podmanRun(['image', 'inspect', '--format', '{{.Size}}', image])).stdout.trim());
    const [imageBytes, baseBytes] = await Promise.all([size(IMAGE), size(standIn.tag)]);
    timings['image size'] =
      `${Math.round(imageBytes / 1e6)} MB (${Math.round((imageBytes - baseBytes) / 1e6)} MB over the ${Math.round(baseBytes / 1e6)} MB stand-in base)`;
    expect(imageBytes - baseBytes).toBeLessThan(150e6);
  });

  it('ships production dependencies only, no npm credentials, and its metadata', async () => {
    const probe = [
      "const fs = require('node:fs');",
      'console.log(JSON.stringify({',
      "  runtime: fs.existsSync('/app/node_modules/@slipway/mcp-runtime'),",
      "  pglite: fs.existsSync('/app/node_modules/@electric-sql/pglite'),",
      "  typescript: fs.existsSync('/app/node_modules/typescript'),",
      "  vitest: fs.existsSync('/app/node_modules/vitest'),",
      "  npmrc: fs.existsSync('/root/.npmrc') || fs.existsSync('/app/.npmrc'),",
      "  source: fs.existsSync('/app/services/orders/src'),",
      // The one-shot migration step deployments run before the service (node dist/migrate.js).
      "  migrate: fs.existsSync('/app/services/orders/dist/migrate.js'),",
      "  node: process.versions.node.split('.')[0],",
      '}));',
    ].join('\n');
    const result = await podmanRun(['run', '--rm', '--user', '0', '--entrypoint', 'node', IMAGE, '-e', probe]);
    // The stand-in runs the line's own Node, so the service is built and run on the default line.
    expect(JSON.parse(result.stdout)).toEqual({
      runtime: true,
      pglite: true,
      typescript: false,
      vitest: false,
      npmrc: false,
      source: false,
      migrate: true,
      node: defaultNodeLine,
    });

    const inspect = JSON.parse((await podmanRun(['image', 'inspect', IMAGE])).stdout)[0] as {
      Config: { User: string; ExposedPorts: Record<string, unknown>; Labels: Record<string, string>; Entrypoint: string[] };
      Healthcheck?: { Test: string[]; Interval: number };
    };
    expect(inspect.Config.User).toBe('1000:1000');
    expect(Object.keys(inspect.Config.ExposedPorts)).toEqual(['3000/tcp']);
    expect(inspect.Config.Entrypoint).toEqual(['/usr/bin/tini', '--']);
    expect(inspect.Config.Labels).toMatchObject({
      'org.opencontainers.image.title': 'orders',
      'org.opencontainers.image.revision': 'e2e',
      'org.opencontainers.image.base.digest': base.digest,
    });
    // Kept because the build used --format docker: the OCI format has no HEALTHCHECK.
    expect(inspect.Healthcheck?.Test.join(' ')).toContain("'/healthz'");
    expect(inspect.Healthcheck?.Interval).toBe(30e9);
  });

  it('runs on loopback as a non-root user under tini, answers /healthz and MCP, reports healthy, and stops cleanly', async () => {
    const port = await freePort();
    const started = Date.now();
    await podmanRun(['run', '-d', '--name', CONTAINER, '-p', `127.0.0.1:${port}:3000`, '-e', 'ALLOWED_HOSTS=127.0.0.1,localhost', IMAGE]);
    const url = `http://127.0.0.1:${port}`;
    await waitFor('the container to answer /healthz', async () => ((await fetch(`${url}/healthz`)).ok ? true : undefined), 60_000);
    timings['container start to /healthz'] = `${Date.now() - started} ms`;

    expect((await podmanRun(['exec', CONTAINER, 'id', '-u'])).stdout.trim()).toBe('1000');
    expect((await podmanRun(['exec', CONTAINER, 'cat', '/proc/1/cmdline'])).stdout.split('\0').slice(0, 3)).toEqual(['/usr/bin/tini', '--', 'node']);
    expect(await (await fetch(`${url}/readyz`)).json()).toMatchObject({ status: 'ready', checks: { database: 'ok' } });

    // One MCP call with plain fetch, then every example capability through the MCP client (PGlite in /data).
    const call = await fetch(`${url}/mcp`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'application/json, text/event-stream' },
      body: JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'tools/call', params: { name: 'text_stats', arguments: { text: 'Ship it in a container.' } } }),
    });
    expect(call.status).toBe(200);
    expect(await call.text()).toContain('"words":5');
    await checkExampleCapabilities(url);

    const health = await podmanRun(['healthcheck', 'run', CONTAINER], true);
    expect(health.code, health.stdout + health.stderr).toBe(0);
    expect((await podmanRun(['inspect', '--format', '{{.State.Health.Status}}', CONTAINER])).stdout.trim()).toBe('healthy');

    await podmanRun(['stop', '-t', '15', CONTAINER]);
    expect((await podmanRun(['inspect', '--format', '{{.State.ExitCode}}', CONTAINER])).stdout.trim()).toBe('0');
    const logs = (await podmanRun(['logs', CONTAINER])).stdout;
    expect(logs).toContain('"msg":"shutdown complete"');
  });
});
