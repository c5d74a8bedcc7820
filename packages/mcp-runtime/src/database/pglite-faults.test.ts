import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, statfsSync, writeFileSync, mkdirSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MCP_HEADERS, rawRequest } from '../__fixtures__/http-client.js';
import { DatabaseSetupError } from './errors.js';
import { createPgliteTemplate } from './open.js';
import { preparePgliteDir } from './pglite-dir.js';
import { LOCK_NAME, lockPgliteDir } from './pglite-lock.js';
import { lockWithPidFile, PID_LOCK_NAME } from './pglite-pid-lock.js';

const CHILD = fileURLToPath(new URL('../__fixtures__/db-service-child.ts', import.meta.url));
const PANIC_CHILD = fileURLToPath(new URL('../__fixtures__/pglite-wal-panic.ts', import.meta.url));

interface Child {
  readonly process: ChildProcess;
  readonly exited: Promise<number | null>;
  stderr(): string;
}

// Killed in afterAll when a failing test leaves them running (they would hold a tmpfs busy).
const spawned = new Set<ChildProcess>();
const killLeftovers = () => {
  for (const child of spawned) if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
};

function spawnService(dataDir: string, template: string): Child {
  const child = spawn(process.execPath, ['--import', 'tsx', CHILD], {
    env: { ...process.env, PGLITE_DATA_DIR: dataDir, TEST_PGLITE_TEMPLATE: template, DATABASE_URL: '', DATABASE_MIGRATION_URL: '' },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  spawned.add(child);
  let stderr = '';
  child.stderr?.on('data', (d: Buffer) => (stderr += d.toString()));
  // 'close', not 'exit': lines a service flushes as it exits may still be in the pipe at 'exit'.
  const exited = new Promise<number | null>((resolve) => child.on('close', (code) => resolve(code)));
  return { process: child, exited, stderr: () => stderr };
}

/** Resolves with the service URL once it listens, or rejects with its stderr when it exits first. */
async function ready(child: Child): Promise<string> {
  const deadline = Date.now() + 90_000;
  while (Date.now() < deadline) {
    const match = /READY (\S+) /.exec(child.stderr());
    if (match) return match[1]!;
    if (child.process.exitCode !== null) throw new Error(`exited ${child.process.exitCode}: ${child.stderr()}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error(`not ready: ${child.stderr()}`);
}

async function callTool(url: string, name: string, args: Record<string, unknown>) {
  const body = JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'tools/call', params: { name, arguments: args } });
  const res = await rawRequest(`${url}/mcp`, { method: 'POST', headers: MCP_HEADERS, body });
  return JSON.parse(res.body).result as { isError?: boolean; content: Array<{ text: string }>; structuredContent?: Record<string, unknown> };
}

async function stop(child: Child, signal: NodeJS.Signals = 'SIGTERM'): Promise<number | null> {
  if (child.process.exitCode === null && child.process.signalCode === null) child.process.kill(signal);
  return child.exited;
}

describe('PGlite data directory checks', () => {
  let root: string;
  beforeAll(() => {
    root = mkdtempSync(join(tmpdir(), 'slipway-pgdir-'));
  });
  afterAll(() => rmSync(root, { recursive: true, force: true }));

  it('creates missing levels one at a time', async () => {
    const dir = join(root, 'a', 'b', 'pglite');
    await expect(preparePgliteDir(dir)).resolves.toBe(dir);
    expect(existsSync(dir)).toBe(true);
  });

  it('refuses a file, or a path under a file, with one line naming PGLITE_DATA_DIR', async () => {
    const file = join(root, 'file');
    writeFileSync(file, 'x');
    const asFile = await preparePgliteDir(file).catch((e: unknown) => e);
    expect(asFile).toBeInstanceOf(DatabaseSetupError);
    expect((asFile as Error).message).toMatch(/^PGLITE_DATA_DIR ".*file" is a file, not a directory: set PGLITE_DATA_DIR/);
    const under = await preparePgliteDir(join(file, 'pglite')).catch((e: unknown) => e);
    expect((under as Error).message).toMatch(/^PGLITE_DATA_DIR .* cannot be created: .*file is not a directory/);
    expect((under as Error).message).not.toContain('\n');
  });

  it.runIf(process.getuid?.() === 0)('refuses a read-only directory (a read-only tmpfs)', async () => {
    const mountPoint = join(root, 'ro');
    mkdirSync(mountPoint);
    if (spawnSync('mount', ['-t', 'tmpfs', '-o', 'ro,size=1m', 'tmpfs', mountPoint]).status !== 0) return;
    try {
      const error = await preparePgliteDir(mountPoint).catch((e: unknown) => e);
      expect((error as Error).message).toMatch(/^PGLITE_DATA_DIR .* is not writable \(EROFS\)/);
      const below = await preparePgliteDir(join(mountPoint, 'pglite')).catch((e: unknown) => e);
      expect((below as Error).message).toMatch(/cannot be created: .* is not writable \(EROFS\)/);
    } finally {
      spawnSync('umount', [mountPoint]);
    }
  });
});

describe('PGlite data directory lock', () => {
  let root: string;
  beforeAll(() => {
    root = mkdtempSync(join(tmpdir(), 'slipway-pglock-'));
  });
  afterAll(() => rmSync(root, { recursive: true, force: true }));

  it('refuses a second holder, naming PGLITE_DATA_DIR and the pid; free again once released', async () => {
    const dir = join(root, 'one');
    mkdirSync(dir);
    const lock = await lockPgliteDir(dir, 'data/one');
    const error = await lockPgliteDir(dir, 'data/one').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(DatabaseSetupError);
    expect((error as Error).message).toMatch(new RegExp(`^PGLITE_DATA_DIR "data/one" is in use by pid ${process.pid} on `));
    await lock.release();
    expect(existsSync(join(dir, LOCK_NAME))).toBe(false);
    await (await lockPgliteDir(dir)).release();
  });

  it('takes over the lock of a process that died without releasing it (SIGKILL)', async () => {
    const dir = join(root, 'stale');
    mkdirSync(dir);
    const script = `import('${new URL('./pglite-lock.ts', import.meta.url).href}').then(async (m) => { await m.lockPgliteDir(process.argv[1]); process.stdout.write('LOCKED'); setInterval(() => {}, 1000); })`;
    const child = spawn(process.execPath, ['--import', 'tsx', '-e', script, dir], { stdio: ['ignore', 'pipe', 'inherit'] });
    await new Promise<void>((resolve) => child.stdout?.on('data', () => resolve()));
    const refused = await lockPgliteDir(dir).catch((e: unknown) => e);
    expect((refused as Error).message).toContain(`in use by pid ${child.pid}`);
    child.kill('SIGKILL');
    await new Promise((resolve) => child.on('exit', resolve));
    expect(existsSync(join(dir, LOCK_NAME))).toBe(true);
    const lock = await lockPgliteDir(dir);
    await lock.release();
  });
});

describe('PGlite pid-file lock (where no socket can be bound)', () => {
  let root: string;
  beforeAll(() => {
    root = mkdtempSync(join(tmpdir(), 'slipway-pidlock-'));
  });
  afterAll(() => rmSync(root, { recursive: true, force: true }));

  it('refuses a live holder, takes over a dead one, its own pid (a restarted container), never another host', async () => {
    const dir = join(root, 'd');
    mkdirSync(dir);
    const file = join(dir, PID_LOCK_NAME);
    const lock = await lockWithPidFile(dir, 'd');
    expect(((await lockWithPidFile(dir, 'd').catch((e: unknown) => e)) as Error).message).toMatch(
      new RegExp(`^PGLITE_DATA_DIR "d" is in use by pid ${process.pid} on .* \\(lock file .*${PID_LOCK_NAME}: delete it only if that process is gone\\)$`),
    );
    await lock.release();
    const { hostname } = await import('node:os');
    const dead = spawnSync(process.execPath, ['-e', '0']).pid;
    for (const holder of [
      { pid: dead, host: hostname() },
      { pid: process.pid, host: hostname() },
    ]) {
      writeFileSync(file, JSON.stringify(holder));
      await (await lockWithPidFile(dir, 'd')).release();
    }
    writeFileSync(file, JSON.stringify({ pid: dead, host: 'another-pod' }));
    expect(((await lockWithPidFile(dir, 'd').catch((e: unknown) => e)) as Error).message).toContain(`in use by pid ${dead} on another-pod`);
  });
});

describe('two service processes on one PGlite directory', () => {
  let root: string;
  let template: string;
  beforeAll(async () => {
    root = mkdtempSync(join(tmpdir(), 'slipway-pgtwo-'));
    template = join(root, 'template.tgz');
    await createPgliteTemplate(template);
  });
  afterAll(() => {
    killLeftovers();
    rmSync(root, { recursive: true, force: true });
  });

  it('the second refuses to start in one line; no acknowledged write of the first is lost', async () => {
    const dataDir = join(root, 'shared');
    const first = spawnService(dataDir, template);
    const url = await ready(first);
    const pid = /READY \S+ (\d+)/.exec(first.stderr())?.[1];
    for (let i = 0; i < 20; i++) expect((await callTool(url, 'add_note', { body: `first-${i}` })).isError).toBeFalsy();

    const second = spawnService(dataDir, template);
    expect(await second.exited).toBe(1);
    const lines = second.stderr().trim().split('\n');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toBe(
      `PGLITE_DATA_DIR ${JSON.stringify(dataDir)} is in use by pid ${pid} on ${(await import('node:os')).hostname()}: two processes on one PGlite directory overwrite each other's writes; stop that process, or give this one another PGLITE_DATA_DIR`,
    );
    // The first still serves, and writes more after the refusal.
    for (let i = 20; i < 25; i++) expect((await callTool(url, 'add_note', { body: `first-${i}` })).isError).toBeFalsy();
    expect(await stop(first)).toBe(0);

    const third = spawnService(dataDir, template);
    const url3 = await ready(third);
    expect((await callTool(url3, 'count_notes', { prefix: 'first-' })).structuredContent).toEqual({ n: 25 });
    // Killed without a chance to release: the next start takes the stale lock over.
    await stop(third, 'SIGKILL');
    const fourth = spawnService(dataDir, template);
    const url4 = await ready(fourth);
    expect((await callTool(url4, 'count_notes', { prefix: 'first-' })).structuredContent).toEqual({ n: 25 });
    expect(await stop(fourth)).toBe(0);
  });
});

const canMount = process.getuid?.() === 0 && spawnSync('mount', ['--version']).status === 0;

describe.runIf(canMount)('PGlite on a full disk (a small tmpfs)', () => {
  let root: string;
  let mountPoint: string;
  let template: string;
  let mounted = false;
  beforeAll(async () => {
    root = mkdtempSync(join(tmpdir(), 'slipway-pgfull-'));
    template = join(root, 'template.tgz');
    await createPgliteTemplate(template);
    mountPoint = join(root, 'mnt');
    mkdirSync(mountPoint);
    mounted = spawnSync('mount', ['-t', 'tmpfs', '-o', 'size=80m', 'tmpfs', mountPoint]).status === 0;
  });
  afterAll(async () => {
    killLeftovers();
    await new Promise((resolve) => setTimeout(resolve, 200));
    if (mounted) spawnSync('umount', [mountPoint]);
    rmSync(root, { recursive: true, force: true });
  });

  it('a WAL write on a full disk (a PANIC in PGlite) fails the call, and later calls fail at once instead of spinning', async (ctx) => {
    if (!mounted) ctx.skip();
    const dir = join(mountPoint, 'panic');
    const filler = join(mountPoint, 'panic-filler');
    mkdirSync(filler);
    const child = spawn(process.execPath, ['--import', 'tsx', PANIC_CHILD, dir, filler, template], { stdio: ['ignore', 'pipe', 'pipe'] });
    spawned.add(child);
    let stdout = '';
    child.stdout?.on('data', (d: Buffer) => (stdout += d.toString()));
    // Before the guard, the call after the PANIC spun the event loop for good: SIGTERM was ignored.
    const timer = setTimeout(() => child.kill('SIGKILL'), 30_000);
    const code = await new Promise<number | null>((resolve) => child.on('exit', resolve));
    clearTimeout(timer);
    rmSync(filler, { recursive: true, force: true });
    rmSync(dir, { recursive: true, force: true });
    expect(code).toBe(0);
    const outcome = JSON.parse(stdout) as { errors: string[]; pingError?: string; ms: number };
    expect(outcome.errors[0]).toMatch(/No space left on device/);
    expect(outcome.errors.slice(1).every((e) => e.startsWith('DatabaseUnavailableError'))).toBe(true);
    expect(outcome.pingError).toBe('DatabaseUnavailableError');
  });

  it('ends in a tool error, readiness 503 and exit 1, and recovers every acknowledged write after space is freed', async (ctx) => {
    if (!mounted) ctx.skip();
    const dataDir = join(mountPoint, 'pglite');
    const service = spawnService(dataDir, template);
    const url = await ready(service);
    let acknowledged = 0;
    for (; acknowledged < 10; acknowledged++) expect((await callTool(url, 'add_note', { body: `kept-${acknowledged}` })).isError).toBeFalsy();
    // Fill what is left, then write until the database hits the wall.
    const filler = join(mountPoint, 'filler');
    const free = statfsSync(mountPoint);
    writeFileSync(filler, Buffer.alloc(Math.max(0, Number(free.bavail * free.bsize) - 256 * 1024)));
    let failure: Awaited<ReturnType<typeof callTool>> | undefined;
    const big = 'x'.repeat(64 * 1024);
    for (let i = 0; i < 400 && failure === undefined; i++) {
      const result = await callTool(url, 'add_note', { body: `kept-${acknowledged}-${big}` });
      if (result.isError) failure = result;
      else acknowledged++;
    }
    expect(failure?.content[0]?.text).toBe('The database is unavailable; retry later.');
    const readiness = await rawRequest(`${url}/readyz`).catch(() => undefined);
    if (readiness !== undefined) expect(readiness.status).toBe(503);
    const started = Date.now();
    expect(await service.exited).toBe(1);
    expect(Date.now() - started).toBeLessThan(10_000);
    expect(service.stderr()).toMatch(/PGLITE_DATA_DIR ".*": the embedded database stopped on a storage error: .*No space left on device/);

    rmSync(filler);
    const again = spawnService(dataDir, template);
    const url2 = await ready(again);
    expect((await callTool(url2, 'count_notes', { prefix: 'kept-' })).structuredContent).toEqual({ n: acknowledged });
    expect(await stop(again)).toBe(0);
  });
});
