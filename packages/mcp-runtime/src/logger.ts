import { pino, type DestinationStream, type Logger, type LevelWithSilentOrString } from 'pino';
import { NO_TRACE_FIELDS, traceLogFields } from './tracing/spans.js';

export type { Logger } from 'pino';

export interface LoggerOptions {
  level?: LevelWithSilentOrString;
  name: string;
  /** stdio services must log to stderr: stdout carries the protocol. */
  destination?: 'stdout' | 'stderr';
  /** A custom sink (tests, log shippers); overrides `destination`. */
  stream?: DestinationStream;
}

const SECRET_KEYS = ['password', 'token', 'secret', 'apiKey', 'api_key', 'accessToken', 'refreshToken'];

/** Paths redacted from every log line; `*.x` covers one level of nesting, as fast-redact does. */
export const REDACTED_PATHS: readonly string[] = [
  'authorization',
  'cookie',
  'headers.authorization',
  'headers.cookie',
  'headers["set-cookie"]',
  '*.headers.authorization',
  '*.headers.cookie',
  '*.headers["set-cookie"]',
  ...SECRET_KEYS.flatMap((key) => [key, `*.${key}`]),
  'DATABASE_URL',
  '*.DATABASE_URL',
  'DATABASE_MIGRATION_URL',
  '*.DATABASE_MIGRATION_URL',
  'databaseUrl',
  '*.databaseUrl',
  // Tool arguments may hold anything a user typed: never log them.
  'args',
  '*.args',
  'arguments',
  '*.arguments',
];

const URL_KEYS = new Set(['DATABASE_URL', 'DATABASE_MIGRATION_URL', 'databaseUrl']);

/** Keeps a connection URL useful for debugging while removing its credentials. */
export function redactUrlCredentials(value: string): string {
  try {
    const url = new URL(value);
    if (url.username === '' && url.password === '') return value;
    url.username = url.username === '' ? '' : 'REDACTED';
    url.password = url.password === '' ? '' : 'REDACTED';
    return url.toString();
  } catch {
    return '[REDACTED]';
  }
}

function censor(value: unknown, path: string[]): unknown {
  const key = path[path.length - 1];
  if (key !== undefined && URL_KEYS.has(key) && typeof value === 'string') return redactUrlCredentials(value);
  return '[REDACTED]';
}

/** The field that carries the request id (X-Request-Id) on every line about a request. */
export const REQUEST_ID_LOG_FIELD = 'reqId';

/**
 * For lines whose every field the runtime sets itself (the access line, the audit line): no user data
 * and no secret can be in them, so redaction, which clones each line it touches, would cost time and
 * find nothing. Never pass it objects from outside (errors, headers, arguments, config).
 */
export function ownFieldsLogger(logger: Logger): Logger {
  return logger.child({}, { redact: { paths: [] } });
}

/** A pino JSON logger with secret-looking fields redacted. */
export function createLogger(options: LoggerOptions): Logger {
  const fd = options.destination === 'stderr' ? 2 : 1;
  return pino(
    {
      name: options.name,
      level: options.level ?? 'info',
      redact: { paths: [...REDACTED_PATHS], censor },
      base: { pid: process.pid },
      timestamp: pino.stdTimeFunctions.isoTime,
      // trace_id/span_id on lines written inside a span. pino merges into the mixin's object, so the
      // shared empty one (tracing off: no allocation per line) is never merged into.
      mixin: traceLogFields,
      mixinMergeStrategy: (mergeObject, mixinObject) => (mixinObject === NO_TRACE_FIELDS ? mergeObject : Object.assign(mixinObject, mergeObject)),
    },
    // Asynchronous: under load, lines queue while a write is in flight and go out together instead
    // of one write(2) each. pino flushes what is queued when the process exits (process.exit, a
    // signal handler's exit, an uncaught error); only SIGKILL loses the lines still queued.
    options.stream ?? pino.destination({ dest: fd, sync: false }),
  );
}
