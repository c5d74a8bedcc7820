import { closeSync, constants, openSync } from 'node:fs';
import { open, stat, unlink } from 'node:fs/promises';
import { createConnection, createServer, type Server } from 'node:net';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { pgliteDirError, pgliteInUseError, type LockHolder } from './pglite-dir.js';
import { lockWithPidFile } from './pglite-pid-lock.js';

/**
 * An exclusive lock on a PGlite data directory: a Unix socket, `.slipway.lock`, that the holder
 * listens on. Binding is atomic (EADDRINUSE when the path exists), like O_EXCL; liveness is the
 * kernel's answer rather than a pid: a connect succeeds only while the holder's process lives, and
 * is refused once it has died, however (SIGKILL, OOM). A pid file cannot tell that across pid
 * namespaces (a restarted container reuses pid 1 or 7, a sibling container's pid is invisible) or
 * after pid reuse; flock needs a native addon or a helper binary. The holder answers a connect with
 * its pid and host name, for the refusal message. Same-host only: a network filesystem shared by two
 * machines is not protected (PGlite on one is unsafe anyway).
 */
export interface PgliteLock {
  readonly path: string;
  /** Removes the socket, then stops listening. Idempotent. */
  release(): Promise<void>;
}

export const LOCK_NAME = '.slipway.lock';
const TAKEOVER_SUFFIX = '.takeover';
// A takeover file older than this was left by a process that died while clearing a stale lock.
const TAKEOVER_STALE_MS = 10_000;
const PROBE_TIMEOUT_MS = 1_000;
// sun_path holds 108 bytes; a longer directory is reached through /proc/self/fd/<fd>.
const MAX_SOCKET_PATH = 100;

const codeOf = (error: unknown): string => {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' ? code : 'unknown error';
};
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

// Where a socket cannot be bound (Windows, where a path names no Unix socket; SMB and some FUSE file
// systems), a pid file stands in: weaker (see pglite-pid-lock.ts), but never no lock at all.
const NO_SOCKETS: ReadonlySet<string> = new Set(['EPERM', 'ENOTSUP', 'EOPNOTSUPP', 'EAFNOSUPPORT']);

type Probe = { state: 'alive'; holder: LockHolder } | { state: 'stale' } | { state: 'gone' };

/** Connects to the socket: alive (with what the holder says about itself), stale (nobody listens) or gone. */
function probe(path: string): Promise<Probe> {
  return new Promise((resolve) => {
    let text = '';
    let connected = false;
    const socket = createConnection(path);
    const finish = (result: Probe) => {
      clearTimeout(timer);
      socket.destroy();
      resolve(result);
    };
    const parse = (): LockHolder => {
      try {
        const value = JSON.parse(text) as LockHolder;
        return { ...(Number.isInteger(value.pid) && { pid: value.pid }), ...(typeof value.host === 'string' && { host: value.host }) };
      } catch {
        return {};
      }
    };
    // A holder whose event loop is stuck still has its connection accepted by the kernel: alive.
    const timer = setTimeout(() => finish(connected ? { state: 'alive', holder: parse() } : { state: 'stale' }), PROBE_TIMEOUT_MS);
    socket.setEncoding('utf8');
    socket.on('connect', () => (connected = true));
    socket.on('data', (chunk: string) => (text += chunk));
    socket.on('end', () => finish({ state: 'alive', holder: parse() }));
    socket.on('error', (error) => {
      if (connected) return finish({ state: 'alive', holder: parse() });
      // ENOENT: released meanwhile. ECONNREFUSED (or ENOTSOCK, a plain file): nobody holds it.
      finish(codeOf(error) === 'ENOENT' ? { state: 'gone' } : { state: 'stale' });
    });
  });
}

function listenOn(path: string): Promise<Server> {
  const server = createServer((socket) => {
    socket.on('error', () => undefined);
    socket.end(JSON.stringify({ pid: process.pid, host: hostname() }));
  });
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(path, () => {
      server.off('error', reject);
      // The lock must not keep the process alive (a stdio service exits when stdin closes).
      server.unref();
      resolve(server);
    });
  });
}

const inUse = (dataDir: string, holder: LockHolder) => pgliteInUseError(dataDir, holder);

/** Only one process clears a stale lock at a time: else one could unlink the socket another just bound. */
async function withTakeover<T>(path: string, fn: () => Promise<T>): Promise<T | undefined> {
  const takeover = `${path}${TAKEOVER_SUFFIX}`;
  let handle;
  try {
    handle = await open(takeover, constants.O_CREAT | constants.O_EXCL | constants.O_WRONLY, 0o600);
  } catch (error) {
    if (codeOf(error) !== 'EEXIST') throw error;
    const info = await stat(takeover).catch(() => undefined);
    if (info !== undefined && Date.now() - info.mtimeMs > TAKEOVER_STALE_MS) await unlink(takeover).catch(() => undefined);
    return undefined;
  }
  try {
    await handle.close();
    return await fn();
  } finally {
    await unlink(takeover).catch(() => undefined);
  }
}

/**
 * Takes the lock on `dir` (an existing, absolute directory) or throws a DatabaseSetupError naming
 * PGLITE_DATA_DIR (`dataDir`, as configured) and the holder's pid.
 */
export async function lockPgliteDir(dir: string, dataDir: string = dir): Promise<PgliteLock> {
  if (process.platform === 'win32') return lockWithPidFile(dir, dataDir);
  const path = join(dir, LOCK_NAME);
  let dirFd: number | undefined;
  let socketPath = path;
  if (Buffer.byteLength(path) > MAX_SOCKET_PATH) {
    // /proc/self/fd is Linux's; elsewhere (macOS) a path this long takes the pid file.
    if (process.platform !== 'linux') return lockWithPidFile(dir, dataDir);
    dirFd = openSync(dir, constants.O_RDONLY | constants.O_DIRECTORY);
    socketPath = `/proc/self/fd/${dirFd}/${LOCK_NAME}`;
  }
  const closeDir = () => {
    if (dirFd !== undefined) closeSync(dirFd);
    dirFd = undefined;
  };
  const acquired = (server: Server): PgliteLock => {
    let released: Promise<void> | undefined;
    return {
      path,
      release: () =>
        (released ??= (async () => {
          // Unlink while still listening: after close, another process may already have bound the path.
          await unlink(socketPath).catch(() => undefined);
          await new Promise<void>((resolve) => server.close(() => resolve()));
          closeDir();
        })()),
    };
  };
  try {
    for (let attempt = 0; attempt < 50; attempt++) {
      try {
        return acquired(await listenOn(socketPath));
      } catch (error) {
        if (NO_SOCKETS.has(codeOf(error))) {
          closeDir();
          return await lockWithPidFile(dir, dataDir);
        }
        if (codeOf(error) !== 'EADDRINUSE') throw pgliteDirError(dataDir, `cannot hold its lock file ${LOCK_NAME} (${codeOf(error)})`);
      }
      const found = await probe(socketPath);
      if (found.state === 'alive') throw inUse(dataDir, found.holder);
      if (found.state === 'gone') continue;
      const server = await withTakeover(path, async () => {
        // Re-checked under the takeover: a process that got here first may hold it by now.
        const again = await probe(socketPath);
        if (again.state === 'alive') throw inUse(dataDir, again.holder);
        await unlink(socketPath).catch(() => undefined);
        return listenOn(socketPath);
      });
      if (server !== undefined) return acquired(server);
      await sleep(100);
    }
    throw pgliteDirError(dataDir, `has a lock file ${LOCK_NAME} that could not be taken over`);
  } catch (error) {
    closeDir();
    throw error;
  }
}
