import { afterEach, describe, expect, it } from 'vitest';
import { baseConfigSchema, ConfigError, parseConfig } from '../config.js';
import { openDatabase } from './open.js';
import { pgliteStartSettings } from './pglite-settings.js';
import type { Database } from './types.js';

describe('PGlite start settings', () => {
  it('defaults to memory sized for a small service', () => {
    expect(pgliteStartSettings(parseConfig(baseConfigSchema, {}))).toEqual([
      'shared_buffers=16MB',
      'work_mem=2MB',
      'maintenance_work_mem=16MB',
      'temp_buffers=2MB',
      'min_wal_size=32MB',
      'max_wal_size=128MB',
    ]);
  });

  it('takes sizes from PGLITE_* variables', () => {
    const config = parseConfig(baseConfigSchema, { PGLITE_SHARED_BUFFERS: ' 128MB ', PGLITE_MAX_WAL_SIZE: '1GB', PGLITE_WORK_MEM: '512kB' });
    expect(pgliteStartSettings(config)).toContain('shared_buffers=128MB');
    expect(pgliteStartSettings(config)).toContain('max_wal_size=1GB');
    expect(pgliteStartSettings(config)).toContain('work_mem=512kB');
  });

  it.each([
    ['PGLITE_SHARED_BUFFERS', '16', 'PGLITE_SHARED_BUFFERS must be a size with a PostgreSQL unit (kB, MB or GB), e.g. 16MB'],
    ['PGLITE_WORK_MEM', '2mb', 'PGLITE_WORK_MEM must be a size with a PostgreSQL unit (kB, MB or GB), e.g. 2MB'],
    ['PGLITE_SHARED_BUFFERS', '16MB; DROP', 'PGLITE_SHARED_BUFFERS must be a size with a PostgreSQL unit'],
    ['PGLITE_MIN_WAL_SIZE', '16MB', "PGLITE_MIN_WAL_SIZE must be at least 32MB (PostgreSQL's minimum)"],
    ['PGLITE_SHARED_BUFFERS', '64kB', "PGLITE_SHARED_BUFFERS must be at least 128kB (PostgreSQL's minimum)"],
  ])('refuses %s=%s, naming the variable', (variable, value, message) => {
    let error: unknown;
    try {
      parseConfig(baseConfigSchema, { [variable]: value });
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as ConfigError).message).toContain(message);
  });

  describe('the PGlite worker', () => {
    let db: Database | undefined;
    afterEach(async () => {
      await db?.close();
      db = undefined;
    });

    it('starts PostgreSQL with the settings', async () => {
      db = await openDatabase({ dataDir: 'memory://', pgliteSettings: ['shared_buffers=8MB', 'work_mem=3MB'] });
      const { rows } = await db.query<{ setting: string; name: string }>(
        "SELECT name, current_setting(name) AS setting FROM pg_settings WHERE name IN ('shared_buffers', 'work_mem', 'max_wal_size') ORDER BY name",
      );
      expect(rows).toEqual([
        { name: 'max_wal_size', setting: '1GB' },
        { name: 'shared_buffers', setting: '8MB' },
        { name: 'work_mem', setting: '3MB' },
      ]);
    });

    it('starts with the small-service defaults when none are given', async () => {
      db = await openDatabase({ dataDir: 'memory://' });
      const { rows } = await db.query<{ shared_buffers: string }>('SHOW shared_buffers');
      expect(rows[0]?.shared_buffers).toBe('16MB');
    });
  });
});
