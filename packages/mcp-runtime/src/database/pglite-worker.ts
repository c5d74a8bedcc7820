/**
 * The worker thread that owns a PGlite instance (see pglite-thread.ts). PGlite runs on its thread's
 * event loop and cannot be interrupted from inside, so it runs here, where the main thread can
 * terminate it, and a heavy query blocks this thread only.
 */
import { parentPort, workerData } from 'node:worker_threads';
import type { Extensions, PGlite } from '@electric-sql/pglite';
import type { WorkerReply, WorkerRequest, WorkerStart } from './pglite-protocol.js';
import { serializeError } from './pglite-protocol.js';

const start = workerData as WorkerStart;
const port = parentPort;
if (port === null) throw new Error('pglite-worker.ts runs as a worker thread');

async function open(): Promise<PGlite> {
  const { PGlite } = await import('@electric-sql/pglite');
  const extensions: Extensions = {};
  if (start.extensions.includes('vector')) extensions['vector'] = (await import('@electric-sql/pglite-pgvector')).vector;
  const loadDataDir = start.template === undefined ? undefined : new Blob([start.template]);
  // PGlite's own start parameters stay (single-user mode, no fsync, ...); the settings come after them.
  const startParams = [...PGlite.defaultStartParams, ...start.settings.flatMap((setting) => ['-c', setting])];
  const pg = await PGlite.create(start.dataDir, { extensions, startParams, ...(loadDataDir && { loadDataDir }) });
  // Session state the service set before a restart (SET ROLE): the new session gets it back.
  for (const sql of start.setup) await pg.exec(sql);
  return pg;
}

const post = (reply: WorkerReply) => port.postMessage(reply);

try {
  const pg = await open();
  port.on('message', (request: WorkerRequest) => {
    void (async () => {
      try {
        if (request.op === 'close') {
          await pg.close();
          post({ id: request.id, ok: true });
          port.close();
        } else if (request.op === 'exec') {
          await pg.exec(request.sql);
          post({ id: request.id, ok: true });
        } else {
          const { rows } = await pg.query(request.sql, request.params);
          post({ id: request.id, ok: true, rows });
        }
      } catch (error) {
        post({ id: request.id, ok: false, error: serializeError(error) });
      }
    })();
  });
  post({ id: 0, ok: true });
} catch (error) {
  post({ id: 0, ok: false, error: serializeError(error) });
}
