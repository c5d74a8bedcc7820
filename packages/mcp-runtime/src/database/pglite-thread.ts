import { createRequire } from 'node:module';
import { pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';
import type { Logger } from 'pino';
import { DatabaseTimeoutError, DatabaseUnavailableError, describeError } from './faults.js';
import { deserializeError, type WorkerReply, type WorkerRequest, type WorkerStart } from './pglite-protocol.js';

/**
 * PGlite in a worker thread, behind the calls wrapPglite makes (query, exec, transaction, close).
 * PGlite runs on its thread's event loop and ignores statement_timeout, so in the main thread one
 * heavy query would hold /healthz and every caller. Here a query that runs past `queryTimeoutMs`
 * terminates the worker (the only way to stop WebAssembly mid-query), is rejected with a
 * DatabaseTimeoutError, and a new worker opens the data directory (WAL recovery discards what was
 * not committed) with the session state set by setSession. A `memory://` database cannot survive
 * that: it fails closed instead (every later call rejects, as after a storage fault).
 */
export interface PgliteThread {
  query<T>(sql: string, params?: unknown[]): Promise<{ rows: T[] }>;
  exec(sql: string): Promise<void>;
  /** Other callers wait while `fn` runs, as with PGlite's own transaction (one session). */
  transaction<T>(fn: (tx: Pick<PgliteThread, 'query' | 'exec'>) => Promise<T>): Promise<T>;
  /** Runs `sql` in the session now, and again in every restarted worker (SET ROLE). */
  setSession(sql: string): Promise<void>;
  /** 0: none. Applies to queries sent from now on. */
  setQueryTimeout(ms: number): void;
  /** Closes PGlite once queued calls are done, then stops the worker. */
  close(): Promise<void>;
  /** Stops the worker at once (after a storage fault, where PGlite must not be called again). */
  terminate(): Promise<void>;
}

export interface PgliteThreadOptions {
  /** An absolute directory, or `memory://`. */
  dataDir: string;
  extensions: string[];
  template?: Uint8Array;
  /** `name=value` PostgreSQL settings for PGlite's start parameters. */
  settings: readonly string[];
  queryTimeoutMs: number;
  logger?: Logger;
}

type Call = { id: number; resolve: (rows: unknown[] | undefined) => void; reject: (error: unknown) => void; timer?: NodeJS.Timeout };
type Request = WorkerRequest extends infer R ? (R extends { id: number } ? Omit<R, 'id'> : never) : never;

const MEMORY = 'memory://';

/** The worker module; from sources (tests, tsx) it is TypeScript, loaded through tsx's hooks. */
function spawnWorker(workerData: WorkerStart): Worker {
  const file = new URL(`./pglite-worker${import.meta.url.endsWith('.ts') ? '.ts' : '.js'}`, import.meta.url);
  if (!file.pathname.endsWith('.ts')) return new Worker(file, { workerData });
  const api = pathToFileURL(createRequire(import.meta.url).resolve('tsx/esm/api')).href.replace(/\.cjs$/, '.mjs');
  const boot = `import(${JSON.stringify(api)}).then((tsx) => { tsx.register(); return import(${JSON.stringify(file.href)}); })`;
  return new Worker(boot, { eval: true, workerData });
}

/** Runs calls one after another, each once the one before has settled (a failure does not stop the queue). */
function serialQueue(): <T>(fn: () => Promise<T>) => Promise<T> {
  let tail: Promise<unknown> = Promise.resolve();
  return <T>(fn: () => Promise<T>): Promise<T> => {
    const run = tail.then(fn);
    tail = run.catch(() => undefined);
    return run;
  };
}

interface TransactionSession extends Pick<PgliteThread, 'query' | 'exec'> {
  /** Bumped when the worker is replaced: a transaction begun in an older one is gone. */
  generation(): number;
  /** Why the last worker was replaced. */
  interruption(): unknown;
}

/**
 * BEGIN, `fn`, COMMIT, in the session the caller holds. A restart in the middle (a query stopped by
 * its timeout) lost the transaction's writes: every later call in it, and its end, reject instead
 * of looking committed.
 */
async function runTransaction<T>(fn: (tx: Pick<PgliteThread, 'query' | 'exec'>) => Promise<T>, session: TransactionSession): Promise<T> {
  const mine = session.generation();
  let open = true;
  const lost = () =>
    new DatabaseUnavailableError('the transaction was rolled back: a query in it was stopped and the embedded database restarted', {
      cause: session.interruption(),
    });
  const guard = async <R>(call: () => Promise<R>): Promise<R> => {
    if (!open) throw new Error('Transaction is closed');
    if (session.generation() !== mine) throw lost();
    return call();
  };
  await session.exec('BEGIN');
  let result: T;
  try {
    result = await fn({ query: (sql, params) => guard(() => session.query(sql, params)), exec: (sql) => guard(() => session.exec(sql)) });
  } catch (error) {
    open = false;
    if (session.generation() === mine) await session.exec('ROLLBACK').catch(() => undefined);
    throw error;
  }
  open = false;
  // A callback that caught the timeout and returned: its writes are gone, so it must not look committed.
  if (session.generation() !== mine) throw lost();
  await session.exec('COMMIT');
  return result;
}

/** Starts the worker; resolves once PGlite is open and the session set up. */
export async function startPgliteThread(options: PgliteThreadOptions): Promise<PgliteThread> {
  const setup: string[] = [];
  let timeoutMs = options.queryTimeoutMs;
  let nextId = 0;
  let worker: Worker | undefined;
  let inFlight: Call | undefined;
  let ready: Promise<Worker>;
  let stopped = false;
  let closing = false;
  // Bumped when a worker is replaced: a transaction begun in an older one is gone.
  let generation = 0;
  let interruption: unknown;

  // Referenced only while it works: an idle database must not keep the process alive (stdio services).
  const settle = (target: Worker, busy: boolean) => (busy ? target.ref() : target.unref());

  const launch = (template?: Uint8Array): Promise<Worker> => {
    const started = new Promise<Worker>((resolve, reject) => {
      const current = spawnWorker({
        dataDir: options.dataDir,
        extensions: options.extensions,
        setup: [...setup],
        settings: [...options.settings],
        ...(template && { template }),
      });
      worker = current;
      let up = false;
      current.on('message', (reply: WorkerReply) => {
        if (reply.id === 0) {
          up = true;
          settle(current, false);
          if (reply.ok && !stopped) return resolve(current);
          void current.terminate();
          return reject(reply.ok ? new DatabaseUnavailableError('the embedded database is closed') : deserializeError(reply.error));
        }
        const call = inFlight;
        if (call?.id !== reply.id || worker !== current) return;
        inFlight = undefined;
        clearTimeout(call.timer);
        settle(current, false);
        if (reply.ok) call.resolve(reply.rows);
        else call.reject(deserializeError(reply.error));
      });
      const died = (cause: unknown) => {
        if (!up) return reject(cause instanceof Error ? cause : new Error(describeError(cause)));
        if (worker === current && !stopped && !closing)
          interrupt(new DatabaseUnavailableError(`the embedded database worker stopped (${describeError(cause)})`, { cause }));
      };
      current.on('error', died);
      current.on('exit', (code) => died(new Error(`exit code ${code}`)));
    });
    // Nobody may be waiting yet (a restart with an empty queue): the rejection is read by the next call.
    started.catch(() => undefined);
    return started;
  };

  /** Ends the running call with `error`, replaces the worker, and lets queued calls go to the new one. */
  const interrupt = (error: unknown) => {
    const call = inFlight;
    inFlight = undefined;
    clearTimeout(call?.timer);
    generation++;
    interruption = error;
    const old = worker;
    worker = undefined;
    const began = performance.now();
    ready = (async () => {
      await old?.terminate();
      // Closed meanwhile: no new worker may touch the directory once the lock can be released.
      if (stopped || closing) throw new DatabaseUnavailableError('the embedded database is closed');
      if (options.dataDir === MEMORY) {
        // Fatal for the storage-fault guard: nothing is left to serve, the service should restart.
        throw Object.assign(
          new DatabaseUnavailableError('the in-memory database (memory://) was lost when its worker stopped; it cannot be restarted', { cause: error }),
          {
            severity: 'FATAL',
          },
        );
      }
      try {
        const next = await launch();
        options.logger?.warn?.({ ms: Math.round(performance.now() - began), reason: describeError(error) }, 'embedded database restarted');
        return next;
      } catch (cause) {
        if (stopped || closing) throw new DatabaseUnavailableError('the embedded database is closed');
        throw Object.assign(new DatabaseUnavailableError(`the embedded database did not restart: ${describeError(cause)}`, { cause }), { severity: 'FATAL' });
      }
    })();
    ready.catch(() => undefined);
    call?.reject(error);
  };

  const dispatch = async (request: Request): Promise<unknown[] | undefined> => {
    if (stopped) throw new DatabaseUnavailableError('the embedded database is closed');
    const target = await ready;
    return new Promise((resolve, reject) => {
      const id = ++nextId;
      const call: Call = { id, resolve, reject };
      if (timeoutMs > 0 && request.op !== 'close') {
        const limit = timeoutMs;
        call.timer = setTimeout(() => {
          if (inFlight === call) interrupt(new DatabaseTimeoutError(`the query ran past its ${limit} ms timeout (DATABASE_QUERY_TIMEOUT_MS) and was stopped`));
        }, limit);
      }
      inFlight = call;
      settle(target, true);
      target.postMessage({ ...request, id });
    });
  };

  // One request at a time reaches the worker, so the timer of the one in flight measures only it.
  const wire = serialQueue();
  const send = (request: Request): Promise<unknown[] | undefined> => wire(() => dispatch(request));
  // The session: a transaction holds it from BEGIN to COMMIT; other callers queue behind it.
  const exclusive = serialQueue();

  const query = <T>(sql: string, params?: unknown[]) =>
    send({ op: 'query', sql, ...(params !== undefined && { params }) }).then((rows) => ({ rows: (rows ?? []) as T[] }));
  const exec = async (sql: string) => {
    await send({ op: 'exec', sql });
  };

  ready = launch(options.template);
  await ready;

  return {
    query: (sql, params) => exclusive(() => query(sql, params)),
    exec: (sql) => exclusive(() => exec(sql)),
    transaction: (fn) => exclusive(() => runTransaction(fn, { query, exec, generation: () => generation, interruption: () => interruption })),
    setSession: (sql) =>
      exclusive(async () => {
        await exec(sql);
        setup.push(sql);
      }),
    setQueryTimeout: (ms) => {
      timeoutMs = ms;
    },
    close: () =>
      exclusive(async () => {
        closing = true;
        try {
          // A worker already lost (memory:// after a timeout) has nothing left to close.
          await send({ op: 'close' }).catch((error: unknown) => {
            if (!(error instanceof DatabaseUnavailableError)) throw error;
          });
        } finally {
          stopped = true;
          await worker?.terminate();
        }
      }),
    terminate: async () => {
      stopped = true;
      await worker?.terminate();
    },
  };
}
