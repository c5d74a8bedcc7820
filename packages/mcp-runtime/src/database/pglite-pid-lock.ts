import { open, readFile, stat, unlink } from 'node:fs/promises';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { pgliteDirError, pgliteInUseError, type LockHolder } from './pglite-dir.js';
import type { PgliteLock } from './pglite-lock.js';

/**
 * The fallback lock where no Unix socket can be bound: an O_EXCL file holding the pid and host name.
 * A pid only proves liveness on the same host and pid namespace, so the holder counts as gone only
 * when it is on this host and its pid is this process's own (a restarted container gets its old pid
 * back) or no process has it; a holder on another host (or container) must be cleared by hand, as the
 * message says. Lock files the holder has not written yet (a start racing this one) count as held.
 */
export const PID_LOCK_NAME = '.slipway.lock.pid';
const UNWRITTEN_GRACE_MS = 10_000;
// Lock files this process holds: its own pid in one means "held", unless it is not in this set.
const heldHere = new Set<string>();

const codeOf = (error: unknown): string => {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' ? code : 'unknown error';
};

async function readHolder(path: string): Promise<LockHolder | undefined> {
  try {
    const value = JSON.parse(await readFile(path, 'utf8')) as LockHolder;
    return { ...(Number.isInteger(value.pid) && { pid: value.pid }), ...(typeof value.host === 'string' && { host: value.host }) };
  } catch {
    return undefined;
  }
}

async function isAlive(path: string, holder: LockHolder | undefined): Promise<boolean> {
  if (holder?.pid === undefined) {
    const info = await stat(path).catch(() => undefined);
    return info !== undefined && Date.now() - info.mtimeMs < UNWRITTEN_GRACE_MS;
  }
  if (holder.host !== hostname()) return true;
  if (holder.pid === process.pid) return heldHere.has(path);
  try {
    process.kill(holder.pid, 0);
    return true;
  } catch (error) {
    return codeOf(error) === 'EPERM';
  }
}

export async function lockWithPidFile(dir: string, dataDir: string): Promise<PgliteLock> {
  const path = join(dir, PID_LOCK_NAME);
  for (let attempt = 0; attempt < 3; attempt++) {
    try {
      const handle = await open(path, 'wx', 0o600);
      try {
        await handle.writeFile(JSON.stringify({ pid: process.pid, host: hostname() }));
      } finally {
        await handle.close();
      }
      heldHere.add(path);
      let released: Promise<void> | undefined;
      const release = async () => {
        await unlink(path).catch(() => undefined);
        heldHere.delete(path);
      };
      return { path, release: () => (released ??= release()) };
    } catch (error) {
      if (codeOf(error) !== 'EEXIST') throw pgliteDirError(dataDir, `cannot hold its lock file ${PID_LOCK_NAME} (${codeOf(error)})`);
    }
    const holder = await readHolder(path);
    if (await isAlive(path, holder)) throw pgliteInUseError(dataDir, holder ?? {}, ` (lock file ${path}: delete it only if that process is gone)`);
    await unlink(path).catch(() => undefined);
  }
  throw pgliteDirError(dataDir, `has a lock file ${PID_LOCK_NAME} that could not be taken over`);
}
