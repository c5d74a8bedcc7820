/** Messages between the main thread and the PGlite worker (pglite-worker.ts). */

export interface WorkerStart {
  /** An absolute data directory, or `memory://`. */
  dataDir: string;
  extensions: string[];
  /** A data-directory tarball, for a directory that holds no database yet (first start only). */
  template?: Uint8Array;
  /** Statements run once PGlite is open, before any request: the session state (SET ROLE). */
  setup: string[];
  /** `name=value` PostgreSQL settings, passed as `-c` start parameters. */
  settings: string[];
}

export type WorkerRequest =
  { id: number; op: 'query'; sql: string; params?: unknown[] } | { id: number; op: 'exec'; sql: string } | { id: number; op: 'close' };

/** id 0 answers the start: ok once PGlite is open and the setup ran. */
export type WorkerReply = { id: number; ok: true; rows?: unknown[] } | { id: number; ok: false; error: SerializedError };

/** An error as it crosses threads: structured clone keeps neither an Error's own fields nor a PGlite error's class. */
export interface SerializedError {
  name: string;
  message: string;
  stack?: string;
  fields: Record<string, unknown>;
  cause?: SerializedError;
}

const cloneable = (value: unknown): boolean => {
  try {
    structuredClone(value);
    return true;
  } catch {
    return false;
  }
};

export function serializeError(error: unknown, depth = 0): SerializedError {
  if (typeof error !== 'object' || error === null) return { name: 'Error', message: String(error), fields: {} };
  const source = error as Record<string, unknown>;
  const fields: Record<string, unknown> = {};
  // Own fields carry what the classification reads: SQLSTATE code, severity, errno (Emscripten's ErrnoError).
  for (const key of Object.keys(source)) {
    if (key !== 'cause' && key !== 'message' && key !== 'stack' && cloneable(source[key])) fields[key] = source[key];
  }
  const name = typeof source['name'] === 'string' ? source['name'] : 'Error';
  const message = typeof source['message'] === 'string' ? source['message'] : '';
  const stack = typeof source['stack'] === 'string' ? source['stack'] : undefined;
  const cause = source['cause'] !== undefined && depth < 4 ? serializeError(source['cause'], depth + 1) : undefined;
  return { name, message, fields, ...(stack !== undefined && { stack }), ...(cause !== undefined && { cause }) };
}

export function deserializeError(serialized: SerializedError): Error {
  const error = new Error(serialized.message, serialized.cause === undefined ? undefined : { cause: deserializeError(serialized.cause) });
  Object.assign(error, serialized.fields);
  error.name = serialized.name;
  if (serialized.stack !== undefined) error.stack = serialized.stack;
  return error;
}
