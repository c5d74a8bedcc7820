import { z } from 'zod';

/**
 * The PostgreSQL memory and WAL settings the embedded PGlite starts with, by env variable. PGlite's
 * own are a server's (shared_buffers 128MB alone costs about 130 MB of RSS); these fit a small
 * service in a 512 Mi pod. `minKb` is PostgreSQL's own lower bound, checked at start-up so that a
 * bad value is a config error naming the variable, not a failed database start.
 */
export const PGLITE_SETTINGS = {
  PGLITE_SHARED_BUFFERS: { parameter: 'shared_buffers', default: '16MB', minKb: 128 },
  PGLITE_WORK_MEM: { parameter: 'work_mem', default: '2MB', minKb: 64 },
  PGLITE_MAINTENANCE_WORK_MEM: { parameter: 'maintenance_work_mem', default: '16MB', minKb: 1024 },
  PGLITE_TEMP_BUFFERS: { parameter: 'temp_buffers', default: '2MB', minKb: 800 },
  // Two WAL segments (16MB each) is PostgreSQL's floor for both.
  PGLITE_MIN_WAL_SIZE: { parameter: 'min_wal_size', default: '32MB', minKb: 32 * 1024 },
  PGLITE_MAX_WAL_SIZE: { parameter: 'max_wal_size', default: '128MB', minKb: 32 * 1024 },
} as const;

type SettingVariable = keyof typeof PGLITE_SETTINGS;

const UNIT_KB = { kB: 1, MB: 1024, GB: 1024 * 1024 } as const;
const SIZE = /^(\d+)(kB|MB|GB)$/;

function sizeKb(value: string): number | undefined {
  const match = SIZE.exec(value);
  return match === null ? undefined : Number(match[1]) * UNIT_KB[match[2] as keyof typeof UNIT_KB];
}

function pgSize(variable: SettingVariable) {
  const { default: fallback, minKb } = PGLITE_SETTINGS[variable];
  return z
    .string()
    .optional()
    .transform((raw, ctx) => {
      if (raw === undefined || raw.trim() === '') return fallback;
      const value = raw.trim();
      const kb = sizeKb(value);
      if (kb === undefined) {
        ctx.addIssue({ code: 'custom', message: `must be a size with a PostgreSQL unit (kB, MB or GB), e.g. ${fallback}` });
        return z.NEVER;
      }
      if (kb < minKb) {
        ctx.addIssue({ code: 'custom', message: `must be at least ${minKb >= 1024 ? `${minKb / 1024}MB` : `${minKb}kB`} (PostgreSQL's minimum)` });
        return z.NEVER;
      }
      return value;
    });
}

/** The PGLITE_* settings as env variables; part of baseConfigSchema. */
export const pgliteSettingsShape = {
  PGLITE_SHARED_BUFFERS: pgSize('PGLITE_SHARED_BUFFERS'),
  PGLITE_WORK_MEM: pgSize('PGLITE_WORK_MEM'),
  PGLITE_MAINTENANCE_WORK_MEM: pgSize('PGLITE_MAINTENANCE_WORK_MEM'),
  PGLITE_TEMP_BUFFERS: pgSize('PGLITE_TEMP_BUFFERS'),
  PGLITE_MIN_WAL_SIZE: pgSize('PGLITE_MIN_WAL_SIZE'),
  PGLITE_MAX_WAL_SIZE: pgSize('PGLITE_MAX_WAL_SIZE'),
};

export type PgliteSettingsConfig = { [K in SettingVariable]?: string | undefined };

/**
 * `name=value` PostgreSQL settings for PGlite's start parameters: the configured values, the
 * defaults for the rest.
 */
export function pgliteStartSettings(config: PgliteSettingsConfig = {}): string[] {
  return (Object.keys(PGLITE_SETTINGS) as SettingVariable[]).map(
    (variable) => `${PGLITE_SETTINGS[variable].parameter}=${config[variable] ?? PGLITE_SETTINGS[variable].default}`,
  );
}
