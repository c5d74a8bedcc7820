/**
 * Which database failures a caller can do nothing about but retry later, and which leave an
 * embedded PGlite unusable. Pure functions over error shapes: no driver is imported here, so the
 * tool layer can classify without loading `pg` or PGlite.
 */

/** Thrown by the runtime's own guards: a database already known to be down, or a call that timed out. */
export class DatabaseUnavailableError extends Error {
  override readonly name = 'DatabaseUnavailableError';
}

/**
 * A query the runtime stopped at its timeout (PGlite, which ignores statement_timeout): SQLSTATE
 * 57014, as PostgreSQL reports its own statement_timeout, so callers that tell a timeout apart see one.
 */
export class DatabaseTimeoutError extends DatabaseUnavailableError {
  readonly code = '57014';
}

// Socket and DNS failures (Node's error codes) on the way to the server.
const NETWORK_CODES: ReadonlySet<string> = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ECONNABORTED',
  'ETIMEDOUT',
  'EHOSTUNREACH',
  'EHOSTDOWN',
  'ENETUNREACH',
  'ENETDOWN',
  'ENOTFOUND',
  'EAI_AGAIN',
  'EPIPE',
]);

// node-postgres reports its own timeouts and lost connections without a code.
const PG_CLIENT_MESSAGE =
  /^(Connection terminated|timeout exceeded when trying to connect|Query read timeout|Client has encountered a connection error|Client was closed and is not queryable)/;

// SQLSTATE 57P01 admin_shutdown, 57P02 crash_shutdown, 57P03 cannot_connect_now, 57014 query_canceled (statement_timeout).
const UNAVAILABLE_SQLSTATES: ReadonlySet<string> = new Set(['57P01', '57P02', '57P03', '57014']);

const STORAGE_ERRNOS: ReadonlySet<string> = new Set(['ENOSPC', 'EDQUOT', 'EIO', 'EROFS', 'EFBIG']);

// PGlite's file system layer throws Emscripten's ErrnoError { errno } with Emscripten's own numbers.
const EMSCRIPTEN_ERRNOS: ReadonlyMap<number, string> = new Map([
  [2, 'EACCES'],
  [19, 'EDQUOT'],
  [29, 'EIO'],
  [51, 'ENOSPC'],
  [63, 'EPERM'],
  [69, 'EROFS'],
]);

/** The errno name of a Node (`code`) or Emscripten (`errno`) file system error. */
function errnoOf(error: unknown): string | undefined {
  const code = fieldOf(error, 'code');
  if (typeof code === 'string') return code;
  const errno = fieldOf(error, 'errno');
  return fieldOf(error, 'name') === 'ErrnoError' && typeof errno === 'number' ? (EMSCRIPTEN_ERRNOS.get(errno) ?? `errno ${errno}`) : undefined;
}

/** One line for a message: the first line of an error's message, or its errno when it has no message. */
export function describeError(error: unknown): string {
  const message = fieldOf(error, 'message');
  const code = errnoOf(error);
  if (typeof message === 'string' && message !== '') {
    const first = message.split('\n')[0] ?? '';
    return code !== undefined && !first.includes(code) ? `${first} (${code})` : first;
  }
  return code ?? String(error);
}

function fieldOf(error: unknown, field: string): unknown {
  return typeof error === 'object' && error !== null ? (error as Record<string, unknown>)[field] : undefined;
}

const isSqlState = (code: unknown): code is string => typeof code === 'string' && /^[0-9A-Z]{5}$/.test(code);

/** The error and what it wraps (`cause`, AggregateError's `errors`), a few levels deep. */
function* chain(error: unknown, depth = 0): Generator<unknown> {
  if (error === undefined || error === null || depth > 4) return;
  yield error;
  yield* chain(fieldOf(error, 'cause'), depth + 1);
  const errors = fieldOf(error, 'errors');
  if (Array.isArray(errors)) for (const inner of errors) yield* chain(inner, depth + 1);
}

function unavailableHere(error: unknown): boolean {
  if (error instanceof DatabaseUnavailableError) return true;
  const code = fieldOf(error, 'code');
  if (isSqlState(code)) return code.startsWith('08') || code.startsWith('53') || UNAVAILABLE_SQLSTATES.has(code);
  if (typeof code === 'string' && NETWORK_CODES.has(code)) return true;
  const message = fieldOf(error, 'message');
  return typeof message === 'string' && PG_CLIENT_MESSAGE.test(message);
}

/**
 * A failure a retry may cure and the caller cannot fix: connection and timeout classes (SQLSTATE
 * class 08, 57P01-57P03, 57014, class 53 insufficient resources, socket errors, the driver's own
 * timeouts) and the runtime's DatabaseUnavailableError.
 */
export function isDatabaseUnavailable(error: unknown): boolean {
  for (const link of chain(error)) if (unavailableHere(link)) return true;
  return false;
}

/**
 * A failure after which an embedded PGlite must not be used again: a PANIC or FATAL (a WAL write
 * failing on a full disk is a PANIC, and the next query then spins forever), SQLSTATE class 53
 * (disk full, out of memory), 58 (I/O) or XX (internal), a storage errno, or a WebAssembly trap.
 */
export function isStorageFault(error: unknown): boolean {
  for (const link of chain(error)) {
    // WebAssembly.RuntimeError (a trap in PGlite's engine); the global is not in this project's lib.
    if (link instanceof Error && link.name === 'RuntimeError') return true;
    const severity = fieldOf(link, 'severity');
    if (severity === 'PANIC' || severity === 'FATAL') return true;
    const code = errnoOf(link);
    if (isSqlState(code) && (code.startsWith('53') || code.startsWith('58') || code.startsWith('XX'))) return true;
    if (code !== undefined && STORAGE_ERRNOS.has(code)) return true;
  }
  return false;
}

// Driver errors carry the statement and its parameters (PGlite's `query`/`params`, pg's `where`):
// tool arguments that the log must never hold.
const UNLOGGED_FIELDS: ReadonlySet<string> = new Set(['query', 'params', 'parameters', 'where', 'internalQuery']);

/** The error as the log may show it: everything but the statement text and parameters, cause included. */
export function errorForLog(error: unknown, depth = 0): unknown {
  if (!(error instanceof Error) || depth > 4) return error;
  const copy = new Error(error.message);
  copy.name = error.name;
  if (error.stack !== undefined) copy.stack = error.stack;
  for (const [key, value] of Object.entries(error)) {
    if (!UNLOGGED_FIELDS.has(key)) (copy as unknown as Record<string, unknown>)[key] = value;
  }
  if (error.cause !== undefined) copy.cause = errorForLog(error.cause, depth + 1);
  return copy;
}
