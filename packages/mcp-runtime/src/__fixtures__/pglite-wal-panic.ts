// Child process for the full-disk test: on a PGlite whose disk is full, forces a new WAL segment (a
// PANIC in PGlite), then calls again. Prints one JSON line: the errors seen and how long the calls after took.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { openDatabase } from '../database/open.js';

const [dataDir, filler, template] = process.argv.slice(2) as [string, string, string];
const db = await openDatabase({ dataDir, template, onStorageFault: () => undefined });
await db.exec('CREATE TABLE s (id int PRIMARY KEY, v int); INSERT INTO s VALUES (1, 0); CHECKPOINT;');
// Fill the disk: writes of 1 MiB until ENOSPC.
const chunk = Buffer.alloc(1024 * 1024);
for (let i = 0; ; i++) {
  try {
    writeFileSync(join(filler, `f${i}`), chunk);
  } catch {
    break;
  }
}
const errors: string[] = [];
const started = performance.now();
for (let i = 0; i < 4; i++) {
  try {
    await db.query('UPDATE s SET v = v + 1 WHERE id = 1');
    await db.query('SELECT pg_switch_wal()');
  } catch (error) {
    errors.push(`${(error as Error).name}: ${(error as Error).message}`);
  }
}
const pingError = await db.ping().then(
  () => undefined,
  (error: unknown) => (error as Error).name,
);
process.stdout.write(`${JSON.stringify({ errors, pingError, ms: Math.round(performance.now() - started) })}\n`);
await db.close();
