import { describe, expect, it, vi } from 'vitest';
import { z } from 'zod';
import { ConfigError, baseConfigSchema, envInt, loadConfig, parseConfig } from './config.js';

describe('parseConfig', () => {
  it('applies the documented defaults to an empty environment', () => {
    const config = parseConfig(baseConfigSchema, {});
    expect(config).toEqual({
      PORT: 3000,
      OPS_PORT: undefined,
      HOST: '127.0.0.1',
      LOG_LEVEL: 'info',
      ALLOWED_HOSTS: ['localhost', '127.0.0.1', '[::1]'],
      ALLOWED_ORIGINS: undefined,
      MAX_REQUEST_BODY_BYTES: 1024 * 1024,
      SHUTDOWN_TIMEOUT_MS: 10_000,
      READINESS_TIMEOUT_MS: 2_000,
      DATABASE_URL: undefined,
      DATABASE_MIGRATION_URL: undefined,
      DATABASE_CONNECT_TIMEOUT_MS: 5_000,
      DATABASE_QUERY_TIMEOUT_MS: 30_000,
      PGLITE_DATA_DIR: '.data/pglite',
      PGLITE_SHARED_BUFFERS: '16MB',
      PGLITE_WORK_MEM: '2MB',
      PGLITE_MAINTENANCE_WORK_MEM: '16MB',
      PGLITE_TEMP_BUFFERS: '2MB',
      PGLITE_MIN_WAL_SIZE: '32MB',
      PGLITE_MAX_WAL_SIZE: '128MB',
      PGLITE_OPTIMIZE_WASM: false,
      METRICS_ENABLED: true,
      REQUEST_STATE_KEYS: [],
      OTEL_EXPORTER_OTLP_ENDPOINT: undefined,
      OTEL_SERVICE_NAME: undefined,
      OTEL_TRACES_SAMPLER_ARG: 1,
      APPLICATIONINSIGHTS_CONNECTION_STRING: undefined,
      RATE_LIMITS: undefined,
      RATE_LIMIT_TENANT_CLAIM: 'tenant',
      NODE_ENV: undefined,
    });
  });

  it('parses ints, comma lists, booleans and postgres URLs from strings', () => {
    const config = parseConfig(baseConfigSchema, {
      PORT: '8080',
      HOST: '0.0.0.0',
      LOG_LEVEL: 'DEBUG',
      ALLOWED_HOSTS: 'MCP.example.com, localhost:8443 ',
      ALLOWED_ORIGINS: 'https://App.Example.com, http://localhost:6274/',
      OPS_PORT: '9464',
      METRICS_ENABLED: 'false',
      DATABASE_URL: 'postgres://u:p@db:5432/app',
      DATABASE_MIGRATION_URL: 'postgresql://owner:p@db:5432/app',
    });
    expect(config.PORT).toBe(8080);
    expect(config.HOST).toBe('0.0.0.0');
    expect(config.LOG_LEVEL).toBe('debug');
    expect(config.ALLOWED_HOSTS).toEqual(['mcp.example.com', 'localhost:8443']);
    expect(config.ALLOWED_ORIGINS).toEqual(['https://app.example.com', 'http://localhost:6274']);
    expect(config.OPS_PORT).toBe(9464);
    expect(config.METRICS_ENABLED).toBe(false);
    expect(config.DATABASE_URL).toBe('postgres://u:p@db:5432/app');
    expect(config.DATABASE_MIGRATION_URL).toBe('postgresql://owner:p@db:5432/app');
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
    expect(() => parseConfig(baseConfigSchema, { PORT: '70000', METRICS_ENABLED: 'maybe', DATABASE_URL: 'mysql://root:hunter2@db' })).toThrow(
      'Invalid configuration: PORT must be an integer between 1 and 65535 (got "70000"); ' +
        'DATABASE_URL must be a postgres:// or postgresql:// URL (value hidden); ' +
        'METRICS_ENABLED must be a boolean (true/false/1/0/yes/no/on/off) (got "maybe")',
    );
  });
});

describe('ALLOWED_HOSTS, ALLOWED_ORIGINS and OPS_PORT', () => {
  const fails = (env: Record<string, string>) => () => parseConfig(baseConfigSchema, env);

  it('refuses a list that is set but blank (compose passes ${VAR:-} as ""), naming the variable and the fix', () => {
    expect(fails({ ALLOWED_ORIGINS: '' })).toThrow(
      /^Invalid configuration: ALLOWED_ORIGINS is set but empty: unset it for the local defaults, or list origins, e\.g\. https:\/\/app\.example\.com/,
    );
    expect(fails({ ALLOWED_HOSTS: '  ' })).toThrow('ALLOWED_HOSTS is set but empty');
  });

  it.each([',', 'a.example.com,,b.example.com', 'a.example.com,'])('refuses empty entries in ALLOWED_HOSTS=%j', (value) => {
    expect(fails({ ALLOWED_HOSTS: value })).toThrow('ALLOWED_HOSTS has an empty entry');
  });

  it.each([',', 'https://a.example.com,,https://b.example.com'])('refuses empty entries in ALLOWED_ORIGINS=%j', (value) => {
    expect(fails({ ALLOWED_ORIGINS: value })).toThrow('ALLOWED_ORIGINS has an empty entry');
  });

  it('refuses a bare host name in ALLOWED_ORIGINS and shows the origin to write', () => {
    expect(fails({ ALLOWED_ORIGINS: 'app.example.com' })).toThrow(
      'ALLOWED_ORIGINS entry "app.example.com" is not an origin (scheme://host[:port], no path): write https://app.example.com',
    );
    expect(fails({ ALLOWED_ORIGINS: 'localhost:5173' })).toThrow('write http://localhost:5173');
  });

  it.each(['null', 'https://app.example.com/path', 'https://user@app.example.com', 'https://*.example.com', '*'])('refuses ALLOWED_ORIGINS=%j', (value) => {
    expect(fails({ ALLOWED_ORIGINS: value })).toThrow(ConfigError);
  });

  it.each(['https://mcp.example.com', 'mcp.example.com/path', 'mcp.example.com:0', 'mcp.example.com:99999', 'user@mcp.example.com', '127.1'])(
    'refuses ALLOWED_HOSTS=%j',
    (value) => {
      expect(fails({ ALLOWED_HOSTS: value })).toThrow('is not a host name with an optional port');
    },
  );

  it('refuses a bad OPS_PORT, or one equal to PORT', () => {
    expect(fails({ OPS_PORT: '0' })).toThrow('OPS_PORT must be an integer between 1 and 65535');
    expect(fails({ OPS_PORT: '9464x' })).toThrow('OPS_PORT must be an integer between 1 and 65535');
    expect(fails({ PORT: '9464', OPS_PORT: '9464' })).toThrow('Invalid configuration: OPS_PORT must differ from PORT (both 9464)');
    expect(parseConfig(baseConfigSchema, { OPS_PORT: '' }).OPS_PORT).toBeUndefined();
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
      expect(write.mock.calls[0]?.[0]).toBe('Invalid configuration: LOG_LEVEL must be one of fatal, error, warn, info, debug, trace, silent (got "loud")\n');
    } finally {
      exit.mockRestore();
      write.mockRestore();
    }
  });

  it('returns the typed config when valid', () => {
    expect(loadConfig(baseConfigSchema, { PORT: '1234' }).PORT).toBe(1234);
  });
});
