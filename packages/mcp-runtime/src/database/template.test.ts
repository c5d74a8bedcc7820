import { mkdtemp, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPgliteTemplate, openDatabase } from './index.js';

describe('PGlite data-directory template', () => {
  let work: string;
  let template: string;
  beforeAll(async () => {
    work = await mkdtemp(join(tmpdir(), 'slipway-template-'));
    template = join(work, 'template.tar.gz');
    await createPgliteTemplate(template, ['vector']);
  });
  afterAll(async () => {
    await rm(work, { recursive: true, force: true });
  });

  it('writes a gzipped tarball of a few MB', async () => {
    const { size } = await stat(template);
    expect(size).toBeGreaterThan(100_000);
    expect(size).toBeLessThan(20_000_000);
  });

  it('starts a new data directory from the template, with pgvector usable, and keeps what is written', async () => {
    const dataDir = join(work, 'new');
    const lines: Array<Record<string, unknown>> = [];
    const logger = { info: (entry: Record<string, unknown>) => lines.push(entry) } as unknown as Parameters<typeof openDatabase>[0]['logger'];
    const db = await openDatabase({ dataDir, template, extensions: ['vector'], logger });
    await db.exec("CREATE EXTENSION IF NOT EXISTS vector; CREATE TABLE t (v vector(2)); INSERT INTO t VALUES ('[1,2]');");
    await db.close();
    expect(lines[0]).toMatchObject({ fromTemplate: true });

    const again = await openDatabase({ dataDir, template, extensions: ['vector'] });
    const { rows } = await again.query<{ v: string }>('SELECT v::text AS v FROM t');
    expect(rows).toEqual([{ v: '[1,2]' }]);
    await again.close();
  });

  it('never applies the template over an existing data directory', async () => {
    const dataDir = join(work, 'existing');
    const first = await openDatabase({ dataDir, template });
    await first.exec('CREATE TABLE kept (id int)');
    await first.close();
    await writeFile(join(work, 'broken.tar.gz'), 'not a tarball');
    const lines: Array<Record<string, unknown>> = [];
    const logger = { info: (entry: Record<string, unknown>) => lines.push(entry) } as unknown as Parameters<typeof openDatabase>[0]['logger'];
    const db = await openDatabase({ dataDir, template: join(work, 'broken.tar.gz'), logger });
    const { rows } = await db.query("SELECT to_regclass('kept') IS NOT NULL AS kept");
    expect(rows).toEqual([{ kept: true }]);
    expect(lines[0]).toMatchObject({ fromTemplate: false });
    await db.close();
  });

  it('runs initdb as usual when the template file is not there (a dev run before any build)', async () => {
    const lines: Array<Record<string, unknown>> = [];
    const logger = { info: (entry: Record<string, unknown>) => lines.push(entry) } as unknown as Parameters<typeof openDatabase>[0]['logger'];
    const db = await openDatabase({ dataDir: join(work, 'no-template'), template: new URL(`file://${join(work, 'missing.tgz')}`), logger });
    expect((await db.query<{ one: number }>('SELECT 1 AS one')).rows).toEqual([{ one: 1 }]);
    expect(lines[0]).toMatchObject({ fromTemplate: false });
    await db.close();
  });
});
