import { constants } from 'node:fs';
import { access, mkdir, stat } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import { DatabaseSetupError } from './errors.js';

const VARIABLE = 'PGLITE_DATA_DIR';
// Levels a first start may create (the default .data/pglite needs two); more is a typo, not a layout.
const MAX_MISSING_LEVELS = 8;

const codeOf = (error: unknown): string => {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' ? code : 'unknown error';
};

/** One line naming PGLITE_DATA_DIR, its value and the fix. */
export function pgliteDirError(dataDir: string, problem: string): DatabaseSetupError {
  return new DatabaseSetupError(
    `PGLITE_DATA_DIR ${JSON.stringify(dataDir)} ${problem}: set PGLITE_DATA_DIR to a writable directory (or unset it for .data/pglite)`,
    [VARIABLE],
  );
}

/** What a lock holder says about itself. */
export interface LockHolder {
  pid?: number;
  host?: string;
}

/** One line naming PGLITE_DATA_DIR and the process that holds it. */
export function pgliteInUseError(dataDir: string, holder: LockHolder, hint = ''): DatabaseSetupError {
  const who = holder.pid === undefined ? 'another process' : `pid ${holder.pid}${holder.host === undefined ? '' : ` on ${holder.host}`}`;
  return new DatabaseSetupError(
    `PGLITE_DATA_DIR ${JSON.stringify(dataDir)} is in use by ${who}: two processes on one PGlite directory overwrite each other's writes; stop that process, or give this one another PGLITE_DATA_DIR${hint}`,
    [VARIABLE],
  );
}

async function statOrMissing(path: string, dataDir: string) {
  try {
    return await stat(path);
  } catch (error) {
    // ENOTDIR: an ancestor is a file; the walk up reports which.
    if (codeOf(error) === 'ENOENT' || codeOf(error) === 'ENOTDIR') return undefined;
    throw pgliteDirError(dataDir, `cannot be read at ${path} (${codeOf(error)})`);
  }
}

/**
 * Makes sure the data directory exists and is writable, without `mkdir -p`: Node's recursive mkdir
 * never returns on some paths (`/proc/1/nope`). The nearest existing ancestor must be a writable
 * directory; the missing levels are then made one at a time, each a single bounded syscall.
 * Returns the absolute path.
 */
export async function preparePgliteDir(dataDir: string): Promise<string> {
  const dir = resolve(dataDir);
  const missing: string[] = [];
  let existing = dir;
  for (;;) {
    const info = await statOrMissing(existing, dataDir);
    if (info !== undefined) {
      if (!info.isDirectory()) {
        throw pgliteDirError(dataDir, existing === dir ? 'is a file, not a directory' : `cannot be created: ${existing} is not a directory`);
      }
      break;
    }
    missing.unshift(existing);
    const parent = dirname(existing);
    if (parent === existing || missing.length > MAX_MISSING_LEVELS) throw pgliteDirError(dataDir, 'has no existing parent directory');
    existing = parent;
  }
  try {
    await access(existing, constants.W_OK | constants.X_OK);
  } catch (error) {
    throw pgliteDirError(
      dataDir,
      existing === dir ? `is not writable (${codeOf(error)})` : `cannot be created: ${existing} is not writable (${codeOf(error)})`,
    );
  }
  for (const level of missing) {
    try {
      await mkdir(level);
    } catch (error) {
      // Another process made it meanwhile: fine if it is a directory (the lock then decides who serves).
      if (codeOf(error) === 'EEXIST' && (await statOrMissing(level, dataDir))?.isDirectory() === true) continue;
      throw pgliteDirError(dataDir, `cannot be created in ${dirname(level)} (${codeOf(error)})`);
    }
  }
  return dir;
}
