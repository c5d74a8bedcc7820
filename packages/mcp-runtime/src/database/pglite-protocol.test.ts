import { describe, expect, it } from 'vitest';
import { describeError, isDatabaseUnavailable, isStorageFault } from './faults.js';
import { deserializeError, serializeError } from './pglite-protocol.js';

const across = (error: unknown) => deserializeError(structuredClone(serializeError(error)));

describe('errors from the PGlite worker', () => {
  it('keep what the classification reads: SQLSTATE, severity, Emscripten errno, name, cause', () => {
    const panic = Object.assign(new Error('could not write to file "pg_wal/x": No space left on device'), {
      code: '53100',
      severity: 'PANIC',
      query: 'INSERT',
      params: [1],
    });
    const back = across(panic);
    expect(back).toMatchObject({ message: panic.message, code: '53100', severity: 'PANIC' });
    expect(isStorageFault(back)).toBe(true);

    const errno = Object.assign(Object.create(null) as object, { name: 'ErrnoError', errno: 51 });
    expect(describeError(across(errno))).toBe('ENOSPC');
    expect(isStorageFault(across(Object.assign(new Error('unreachable'), { name: 'RuntimeError' })))).toBe(true);

    const wrapped = across(new Error('outer', { cause: Object.assign(new Error('reset'), { code: 'ECONNRESET' }) }));
    expect(isDatabaseUnavailable(wrapped)).toBe(true);
    expect(isDatabaseUnavailable(across(Object.assign(new Error('duplicate key'), { code: '23505', severity: 'ERROR' })))).toBe(false);
  });

  it('drop fields that cannot cross threads instead of failing', () => {
    const back = across(Object.assign(new Error('odd'), { code: '42601', callback: () => undefined }));
    expect(back).toMatchObject({ message: 'odd', code: '42601' });
    expect('callback' in back).toBe(false);
  });
});
