import { describe, expect, it, vi } from 'vitest';
import { z } from 'zod';
import { ConfigError, baseConfigSchema, envInt, loadConfig, parseConfig } from './config.js';

describe('parseConfig', () => {
  it('applies the documented defaults to an empty environment', () => {
    const config = parseConfig(baseConfigSchema, {});
    expect(config).toEqual({
      PORT: 3000,
      HOST: '127.0.0.1',
      LOG_LEVEL: 'info',
      ALLOWED_HOSTS: ['localhost', '127.0.0.1', '[::1]'],
      ALLOWED_ORIGINS: ['localhost', '127.0.0.1', '[::1]'],
      MAX_REQUEST_BODY_BYTES: 1024 * 1024,
      SHUTDOWN_TIMEOUT_MS: 10_000,
      READINESS_TIMEOUT_MS: 2_000,
      DATABASE_URL: undefined,
      PGLITE_DATA_DIR: '.data/pglite',
      METRICS_ENABLED: true,
      NODE_ENV: undefined,
    });
  });

  it('parses ints, comma lists, booleans and postgres URLs from strings', () => {
    const config = parseConfig(baseConfigSchema, {
      PORT: '8080',
      HOST: '0.0.0.0',
      LOG_LEVEL: 'DEBUG',
      ALLOWED_HOSTS: 'mcp.example.com, localhost ,',
      ALLOWED_ORIGINS: 'app.example.com',
      METRICS_ENABLED: 'false',
      DATABASE_URL: 'postgres://u:p@db:5432/app',
    });
    expect(config.PORT).toBe(8080);
    expect(config.HOST).toBe('0.0.0.0');
    expect(config.LOG_LEVEL).toBe('debug');
    expect(config.ALLOWED_HOSTS).toEqual(['mcp.example.com', 'localhost']);
    expect(config.ALLOWED_ORIGINS).toEqual(['app.example.com']);
    expect(config.METRICS_ENABLED).toBe(false);
    expect(config.DATABASE_URL).toBe('postgres://u:p@db:5432/app');
  });

  it('lets services extend the base schema with their own variables', () => {
    const schema = baseConfigSchema.extend({ API_KEY: z.string().min(1), BATCH_SIZE: envInt({ min: 1, max: 100, default: 10 }) });
    const config = parseConfig(schema, { API_KEY: 'k', BATCH_SIZE: '25' });
    expect(config.API_KEY).toBe('k');
    expect(config.BATCH_SIZE).toBe(25);
    expect(config.PORT).toBe(3000);
    expect(() => parseConfig(schema, {})).toThrow('Invalid configuration: API_KEY is required');
  });

  it('throws a one-line ConfigError naming the variable and the rule', () => {
    let caught: unknown;
    try {
      parseConfig(baseConfigSchema, { PORT: 'abc' });
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(ConfigError);
    const error = caught as ConfigError;
    expect(error.message).toBe('Invalid configuration: PORT must be an integer between 1 and 65535 (got "abc")');
    expect(error.message).not.toContain('\n');
    expect(error.variables).toEqual(['PORT']);
  });

  it('names every bad variable and hides secret-looking values', () => {
    expect(() =>
      parseConfig(baseConfigSchema, { PORT: '70000', METRICS_ENABLED: 'maybe', DATABASE_URL: 'mysql://root:hunter2@db' }),
    ).toThrow(
      'Invalid configuration: PORT must be an integer between 1 and 65535 (got "70000"); ' +
        'DATABASE_URL must be a postgres:// or postgresql:// URL (value hidden); ' +
        'METRICS_ENABLED must be a boolean (true/false/1/0/yes/no/on/off) (got "maybe")',
    );
  });
});

describe('loadConfig', () => {
  it('writes one stderr line and exits 1 on a bad value', () => {
    const exit = vi.spyOn(process, 'exit').mockImplementation(((code?: number) => {
      throw new Error(`exit ${code}`);
    }) as typeof process.exit);
    const write = vi.spyOn(process.stderr, 'write').mockImplementation(() => true);
    try {
      expect(() => loadConfig(baseConfigSchema, { LOG_LEVEL: 'loud' })).toThrow('exit 1');
      expect(write).toHaveBeenCalledTimes(1);
      expect(write.mock.calls[0]?.[0]).toBe(
        'Invalid configuration: LOG_LEVEL must be one of fatal, error, warn, info, debug, trace, silent (got "loud")\n',
      );
    } finally {
      exit.mockRestore();
      write.mockRestore();
    }
  });

  it('returns the typed config when valid', () => {
    expect(loadConfig(baseConfigSchema, { PORT: '1234' }).PORT).toBe(1234);
  });
});
