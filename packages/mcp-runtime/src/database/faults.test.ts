import { describe, expect, it, vi } from 'vitest';
import { DatabaseUnavailableError, describeError, isDatabaseUnavailable, isStorageFault } from './faults.js';
import { wrapPglite, type PgliteHandle } from './open.js';

const withCode = (code: string, message = 'boom', extra: Record<string, unknown> = {}) => Object.assign(new Error(message), { code, ...extra });

describe('isDatabaseUnavailable', () => {
  it('names connection and timeout classes', () => {
    for (const code of ['08006', '08001', '57P01', '57P02', '57P03', '57014', '53300', '53100', 'ECONNREFUSED', 'ETIMEDOUT', 'ENOTFOUND']) {
      expect(isDatabaseUnavailable(withCode(code)), code).toBe(true);
    }
    expect(isDatabaseUnavailable(new Error('Query read timeout'))).toBe(true);
    expect(isDatabaseUnavailable(new Error('Connection terminated due to connection timeout'))).toBe(true);
    expect(isDatabaseUnavailable(new Error('timeout exceeded when trying to connect'))).toBe(true);
    expect(isDatabaseUnavailable(new DatabaseUnavailableError('down'))).toBe(true);
    // Wrapped (cause) and aggregated (Node's happy-eyeballs connect) errors count too.
    expect(isDatabaseUnavailable(new Error('wrapped', { cause: withCode('ECONNRESET') }))).toBe(true);
    expect(isDatabaseUnavailable(new AggregateError([withCode('ECONNREFUSED')], 'all failed'))).toBe(true);
  });

  it('leaves the caller-fixable and the unknown alone', () => {
    for (const code of ['23505', '42P01', '42501', '22P02', '57P04', 'ENOENT']) expect(isDatabaseUnavailable(withCode(code)), code).toBe(false);
    expect(isDatabaseUnavailable(new Error('something else'))).toBe(false);
    expect(isDatabaseUnavailable('text')).toBe(false);
    expect(isDatabaseUnavailable(undefined)).toBe(false);
  });
});

describe('isStorageFault', () => {
  it('names PANIC, FATAL, classes 53, 58, XX, storage errnos and WebAssembly traps', () => {
    expect(isStorageFault(withCode('53100', 'could not write to file "pg_wal/xlogtemp.42": No space left on device', { severity: 'PANIC' }))).toBe(true);
    expect(isStorageFault(withCode('53100', 'could not extend file', { severity: 'ERROR' }))).toBe(true);
    expect(isStorageFault(withCode('58030'))).toBe(true);
    expect(isStorageFault(withCode('XX001'))).toBe(true);
    expect(isStorageFault(withCode('ENOSPC'))).toBe(true);
    expect(isStorageFault(Object.assign(new Error('unreachable'), { name: 'RuntimeError' }))).toBe(true);
    // PGlite's file system layer: Emscripten's ErrnoError, with no message and its own errno numbers.
    const enospc = Object.assign(Object.create(null) as object, { name: 'ErrnoError', errno: 51 });
    expect(isStorageFault(enospc)).toBe(true);
    expect(describeError(enospc)).toBe('ENOSPC');
    expect(describeError(withCode('ECONNREFUSED', 'connect ECONNREFUSED 127.0.0.1:1\n    at stack'))).toBe('connect ECONNREFUSED 127.0.0.1:1');
    expect(describeError(withCode('53100', 'could not extend file'))).toBe('could not extend file (53100)');
    expect(isStorageFault(withCode('23505', 'duplicate key', { severity: 'ERROR' }))).toBe(false);
    expect(isStorageFault(withCode('42601', 'syntax error', { severity: 'ERROR' }))).toBe(false);
  });
});

/** A PGlite stand-in whose next call fails with `failWith`, and which hangs (like the real one) if called after that. */
function fakePglite() {
  const state = { failWith: undefined as unknown, calls: 0, closed: false, poisoned: false };
  const query = async <T>(): Promise<{ rows: T[] }> => {
    state.calls++;
    if (state.poisoned) return new Promise(() => undefined);
    if (state.failWith !== undefined) {
      state.poisoned = true;
      // eslint-disable-next-line @typescript-eslint/only-throw-error -- the fault under test is whatever the spec injects, Error or not.
      throw state.failWith;
    }
    return { rows: [] };
  };
  const handle: PgliteHandle = {
    query,
    exec: async () => query(),
    transaction: async (fn) => fn({ query, exec: async () => query() }),
    close: async () => {
      state.closed = true;
    },
  };
  return { state, handle };
}

describe('wrapPglite fault guard (storage errors injected)', () => {
  it('after a storage fault, never calls PGlite again: calls and ping fail at once, the hook runs once', async () => {
    const { state, handle } = fakePglite();
    const onFault = vi.fn();
    const onClose = vi.fn(async () => undefined);
    const db = wrapPglite(handle, onFault, onClose);
    await db.ping();
    const panic = withCode('53100', 'could not write to file "pg_wal/xlogtemp.42": No space left on device', { severity: 'PANIC' });
    state.failWith = panic;
    await expect(db.query('INSERT INTO t VALUES (1)')).rejects.toBe(panic);
    expect(onFault).toHaveBeenCalledTimes(1);
    const callsAfterFault = state.calls;
    await expect(db.ping()).rejects.toBeInstanceOf(DatabaseUnavailableError);
    await expect(db.exec('SELECT 1')).rejects.toBeInstanceOf(DatabaseUnavailableError);
    await expect(db.transaction((tx) => tx.query('SELECT 1'))).rejects.toBeInstanceOf(DatabaseUnavailableError);
    expect(isDatabaseUnavailable(await db.ping().catch((e: unknown) => e))).toBe(true);
    expect(state.calls).toBe(callsAfterFault);
    expect(onFault).toHaveBeenCalledTimes(1);
    // Closing leaves the broken engine alone and still releases the lock.
    await db.close();
    expect(state.closed).toBe(false);
    expect(onClose).toHaveBeenCalledTimes(1);
  });

  it('a fault inside a transaction counts too; ordinary errors do not', async () => {
    const { state, handle } = fakePglite();
    const onFault = vi.fn();
    const db = wrapPglite(handle, onFault);
    state.failWith = withCode('23505', 'duplicate key', { severity: 'ERROR' });
    await expect(db.query('INSERT')).rejects.toThrow('duplicate key');
    expect(onFault).not.toHaveBeenCalled();
    state.poisoned = false;
    state.failWith = withCode('58030', 'could not fsync', { severity: 'ERROR' });
    await expect(db.transaction((tx) => tx.exec('INSERT'))).rejects.toThrow('could not fsync');
    expect(onFault).toHaveBeenCalledTimes(1);
    await expect(db.ping()).rejects.toBeInstanceOf(DatabaseUnavailableError);
  });
});
