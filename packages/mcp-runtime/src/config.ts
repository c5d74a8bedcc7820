import { z } from 'zod';
import { parseHostEntry, parseOriginEntry, type Parsed } from './http/allowlists.js';
import { pgliteSettingsShape } from './database/pglite-settings.js';
import { DEFAULT_TENANT_CLAIM } from './limits/identity.js';
import { parseRateLimits, type RateLimits } from './limits/rules.js';

/** A configuration problem, with a one-line message that names the variable(s) and the rule. */
export class ConfigError extends Error {
  override readonly name: string = 'ConfigError';
  constructor(
    message: string,
    readonly variables: readonly string[],
  ) {
    super(message);
  }
}

const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;
const LOCALHOST_NAMES: readonly string[] = ['localhost', '127.0.0.1', '[::1]'];

/** An integer env var within [min, max]; empty or unset takes the default. */
export function envInt(options: { min: number; max: number; default: number }) {
  const rule = `must be an integer between ${options.min} and ${options.max}`;
  return z
    .string()
    .optional()
    .transform((raw, ctx) => {
      if (raw === undefined || raw.trim() === '') return options.default;
      const value = /^-?\d+$/.test(raw.trim()) ? Number(raw) : Number.NaN;
      if (!Number.isSafeInteger(value) || value < options.min || value > options.max) {
        ctx.addIssue({ code: 'custom', message: rule });
        return z.NEVER;
      }
      return value;
    });
}

/** A boolean env var (true/false/1/0/yes/no/on/off); empty or unset takes the default. */
export function envBool(defaultValue: boolean) {
  return z
    .string()
    .optional()
    .transform((raw, ctx) => {
      if (raw === undefined || raw.trim() === '') return defaultValue;
      const normalized = raw.trim().toLowerCase();
      if (['true', '1', 'yes', 'on'].includes(normalized)) return true;
      if (['false', '0', 'no', 'off'].includes(normalized)) return false;
      ctx.addIssue({ code: 'custom', message: 'must be a boolean (true/false/1/0/yes/no/on/off)' });
      return z.NEVER;
    });
}

/** A comma-separated list env var, trimmed, empty items dropped; unset or empty takes the default. */
export function envList(defaultValue: readonly string[]) {
  return z
    .string()
    .optional()
    .transform((raw) => {
      if (raw === undefined || raw.trim() === '') return [...defaultValue];
      return raw
        .split(',')
        .map((item) => item.trim())
        .filter((item) => item.length > 0);
    });
}

/**
 * A comma-separated allow-list whose entries `parse` validates and canonicalizes. Unset takes the
 * default; set but blank, or with an empty entry, is an error: compose's `${VAR:-}` passes "", and
 * falling back to the defaults (or to an empty list that refuses every call) would hide the mistake.
 */
function envAllowList<D>(defaultValue: () => D, parse: (entry: string) => Parsed<string>, example: string) {
  return z
    .string()
    .optional()
    .transform((raw, ctx): string[] | D => {
      if (raw === undefined) return defaultValue();
      const fail = (message: string) => {
        ctx.addIssue({ code: 'custom', message });
        return z.NEVER;
      };
      if (raw.trim() === '') return fail(`is set but empty: unset it for the local defaults, or list ${example}`);
      const entries = raw.split(',').map((item) => item.trim());
      if (entries.includes('')) return fail(`has an empty entry (a doubled or trailing comma): list ${example}`);
      const values: string[] = [];
      for (const entry of entries) {
        const parsed = parse(entry);
        if (!parsed.ok) return fail(parsed.message);
        values.push(parsed.value);
      }
      return values;
    });
}

/** A string env var with a default for unset or empty values. */
export function envString(defaultValue: string) {
  return z
    .string()
    .optional()
    .transform((raw) => (raw === undefined || raw.trim() === '' ? defaultValue : raw.trim()));
}

/** An optional URL whose scheme is one of `protocols` (`postgres:`); unset or empty is undefined. */
function envUrl(protocols: readonly string[], message: string) {
  return z
    .string()
    .optional()
    .transform((raw, ctx) => {
      if (raw === undefined || raw.trim() === '') return undefined;
      let protocol: string;
      try {
        protocol = new URL(raw.trim()).protocol;
      } catch {
        protocol = '';
      }
      if (!protocols.includes(protocol)) {
        ctx.addIssue({ code: 'custom', message });
        return z.NEVER;
      }
      return raw.trim();
    });
}

const postgresUrl = envUrl(['postgres:', 'postgresql:'], 'must be a postgres:// or postgresql:// URL');

/** An optional TCP port; unset or empty is undefined. */
const envOptionalPort = z
  .string()
  .optional()
  .transform((raw, ctx) => {
    if (raw === undefined || raw.trim() === '') return undefined;
    const value = /^\d+$/.test(raw.trim()) ? Number(raw) : Number.NaN;
    if (!Number.isSafeInteger(value) || value < 1 || value > 65535) {
      ctx.addIssue({ code: 'custom', message: 'must be an integer between 1 and 65535, or unset for a single listener' });
      return z.NEVER;
    }
    return value;
  });

const logLevel = z
  .string()
  .optional()
  .transform((raw, ctx) => {
    const value = raw === undefined || raw.trim() === '' ? 'info' : raw.trim().toLowerCase();
    if (!(LOG_LEVELS as readonly string[]).includes(value)) {
      ctx.addIssue({ code: 'custom', message: `must be one of ${LOG_LEVELS.join(', ')}` });
      return z.NEVER;
    }
    return value as (typeof LOG_LEVELS)[number];
  });

/** OTEL_EXPORTER_OTLP_ENDPOINT: the collector's OTLP/HTTP base URL; unset or empty turns tracing off. */
const otlpEndpoint = envUrl(['http:', 'https:'], 'must be an http:// or https:// URL (OTLP over HTTP), e.g. http://otel-collector:4318');

/** A ratio in [0, 1]; empty or unset takes the default. */
const envRatio = (defaultValue: number) =>
  z
    .string()
    .optional()
    .transform((raw, ctx) => {
      if (raw === undefined || raw.trim() === '') return defaultValue;
      const value = /^\d*\.?\d+$/.test(raw.trim()) ? Number(raw) : Number.NaN;
      if (!(value >= 0 && value <= 1)) {
        ctx.addIssue({ code: 'custom', message: 'must be a number between 0 and 1, e.g. 0.1 to keep one new trace in ten' });
        return z.NEVER;
      }
      return value;
    });

const rateLimits = z
  .string()
  .optional()
  .transform((raw, ctx): RateLimits | undefined => {
    if (raw === undefined || raw.trim() === '') return undefined;
    const parsed = parseRateLimits(raw);
    if (!parsed.ok) {
      ctx.addIssue({ code: 'custom', message: parsed.message });
      return z.NEVER;
    }
    return parsed.value;
  });

/** Environment variables every Slipway MCP service understands. Extend it with `.extend({...})`. */
export const baseConfigSchema = z.object({
  PORT: envInt({ min: 1, max: 65535, default: 3000 }),
  // Set: /metrics and /readyz move to this port (same HOST), off the public listener. Must differ from PORT.
  OPS_PORT: envOptionalPort,
  HOST: envString('127.0.0.1'),
  LOG_LEVEL: logLevel,
  // host or host:port (then the Host header must carry that port); unset: the loopback names, any port.
  ALLOWED_HOSTS: envAllowList(() => [...LOCALHOST_NAMES], parseHostEntry, 'host names, e.g. mcp.example.com,localhost'),
  // Origins (scheme://host[:port]), compared exactly. Unset (undefined): the service's own loopback
  // origins and the MCP Inspector's, on the bound port. Requests without Origin always pass.
  ALLOWED_ORIGINS: envAllowList(() => undefined, parseOriginEntry, 'origins, e.g. https://app.example.com'),
  MAX_REQUEST_BODY_BYTES: envInt({ min: 1, max: 1024 * 1024 * 1024, default: 1024 * 1024 }),
  SHUTDOWN_TIMEOUT_MS: envInt({ min: 0, max: 3_600_000, default: 10_000 }),
  READINESS_TIMEOUT_MS: envInt({ min: 1, max: 600_000, default: 2_000 }),
  DATABASE_URL: postgresUrl,
  // The owner login, for the migration step only; the serving process never needs it (see database/).
  DATABASE_MIGRATION_URL: postgresUrl,
  // PostgreSQL: opening a connection (or waiting for a pooled one), and one query (client and server side).
  DATABASE_CONNECT_TIMEOUT_MS: envInt({ min: 100, max: 600_000, default: 5_000 }),
  DATABASE_QUERY_TIMEOUT_MS: envInt({ min: 100, max: 3_600_000, default: 30_000 }),
  PGLITE_DATA_DIR: envString('.data/pglite'),
  // Embedded PGlite's PostgreSQL memory and WAL settings (database/pglite-settings.ts).
  ...pgliteSettingsShape,
  // true: V8 also optimizes PGlite's hot WebAssembly (TurboFan), about 45 MB more RSS (database/wasm-tiering.ts).
  PGLITE_OPTIMIZE_WASM: envBool(false),
  METRICS_ENABLED: envBool(true),
  // HMAC keys for input-required `requestState`, shared by every replica: the first signs, all verify.
  REQUEST_STATE_KEYS: envList([]),
  // Tracing (OpenTelemetry, OTLP/HTTP): off unless an endpoint is set.
  OTEL_EXPORTER_OTLP_ENDPOINT: otlpEndpoint,
  OTEL_SERVICE_NAME: z
    .string()
    .optional()
    .transform((raw) => (raw === undefined || raw.trim() === '' ? undefined : raw.trim())),
  OTEL_TRACES_SAMPLER_ARG: envRatio(1),
  // Azure Monitor (Application Insights): traces through its OpenTelemetry exporter, an optional package.
  APPLICATIONINSIGHTS_CONNECTION_STRING: z
    .string()
    .optional()
    .transform((raw, ctx) => {
      if (raw === undefined || raw.trim() === '') return undefined;
      if (!/(^|;)\s*InstrumentationKey=/i.test(raw)) {
        ctx.addIssue({
          code: 'custom',
          message: "must be an Application Insights connection string (InstrumentationKey=...;IngestionEndpoint=...), from the resource's Overview",
        });
        return z.NEVER;
      }
      return raw.trim();
    }),
  // Per-tenant, per-tool token buckets, e.g. `*=60/1m,notes.create=5/10s`; unset: no limits.
  RATE_LIMITS: rateLimits,
  // The verified token's claim naming the tenant; tokens without it are limited by their subject.
  RATE_LIMIT_TENANT_CLAIM: envString(DEFAULT_TENANT_CLAIM),
  NODE_ENV: z.string().optional(),
});

export type BaseConfig = z.output<typeof baseConfigSchema>;

const SECRET_NAME = /URL|SECRET|TOKEN|PASSWORD|PASSWD|KEY|CREDENTIAL|CONNECTION_STRING/i;

function describeValue(name: string, value: unknown): string {
  if (value === undefined) return '';
  if (SECRET_NAME.test(name)) return ' (value hidden)';
  const text = typeof value === 'string' ? value : JSON.stringify(value);
  return ` (got ${JSON.stringify(text.length > 80 ? `${text.slice(0, 77)}...` : text)})`;
}

function describeIssue(issue: z.core.$ZodIssue, env: Record<string, string | undefined>): { name: string; text: string } {
  const name = issue.path.map(String).join('.') || '(root)';
  const value = env[String(issue.path[0] ?? '')];
  if (issue.code === 'invalid_type' && value === undefined) return { name, text: `${name} is required` };
  return { name, text: `${name} ${issue.message}${describeValue(name, value)}` };
}

/** Rules across variables, outside the schema so that `baseConfigSchema.extend(...)` keeps working. */
export function checkOpsPort(config: unknown): void {
  const { PORT, OPS_PORT } = (config ?? {}) as { PORT?: unknown; OPS_PORT?: unknown };
  // 0 (an ephemeral port, set in code by tests) never collides by value.
  if (typeof OPS_PORT === 'number' && OPS_PORT !== 0 && OPS_PORT === PORT) {
    const message = `Invalid configuration: OPS_PORT must differ from PORT (both ${OPS_PORT}): pick another, e.g. 9464`;
    throw new ConfigError(message, ['OPS_PORT']);
  }
}

/** Parses env vars with `schema`; throws a ConfigError whose message is one line naming each bad variable. */
export function parseConfig<S extends z.ZodType>(schema: S, env: Record<string, string | undefined> = process.env): z.output<S> {
  const result = schema.safeParse(env);
  if (result.success) {
    checkOpsPort(result.data);
    return result.data;
  }
  const described = result.error.issues.map((issue) => describeIssue(issue, env));
  const names = [...new Set(described.map((d) => d.name))];
  throw new ConfigError(`Invalid configuration: ${described.map((d) => d.text).join('; ')}`, names);
}

/** parseConfig for a process entry point: a ConfigError becomes one stderr line and exit code 1. */
export function loadConfig<S extends z.ZodType>(schema: S, env: Record<string, string | undefined> = process.env): z.output<S> {
  return exitOnConfigError(() => parseConfig(schema, env));
}

/** Runs `build`; a ConfigError it throws ends the process with its one line on stderr and exit code 1. */
export function exitOnConfigError<T>(build: () => T): T {
  try {
    return build();
  } catch (error) {
    if (error instanceof ConfigError) {
      process.stderr.write(`${error.message}\n`);
      process.exit(1);
    }
    throw error;
  }
}
