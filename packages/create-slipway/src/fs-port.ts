import { dirname, join } from 'node:path';
import type { PlannedFile } from './plan.js';

/**
 * The part of `node:fs/promises` that create-slipway writes through: the real one in the CLI,
 * memfs in tests.
 */
export interface FileSystem {
  readdir(path: string): Promise<unknown[]>;
  mkdir(path: string, options: { recursive: true }): Promise<unknown>;
  writeFile(path: string, data: string, options: { encoding: 'utf8' }): Promise<unknown>;
}

function errorCode(error: unknown): string | undefined {
  return (error as { code?: string }).code;
}

/** Why the workspace can't be created in this folder, or undefined when it is absent or empty. */
export async function targetProblem(fs: FileSystem, dir: string): Promise<string | undefined> {
  try {
    const entries = await fs.readdir(dir);
    return entries.length > 0 ? `${dir} already exists and is not empty: choose another name, or move it away` : undefined;
  } catch (error) {
    if (errorCode(error) === 'ENOENT') return undefined;
    if (errorCode(error) === 'ENOTDIR') return `${dir} already exists and is a file: choose another name`;
    throw error;
  }
}

/** Writes the planned files under `dir`, creating folders as needed. */
export async function writeFiles(fs: FileSystem, dir: string, files: readonly PlannedFile[]): Promise<void> {
  await fs.mkdir(dir, { recursive: true });
  for (const file of files) {
    const path = join(dir, file.path);
    await fs.mkdir(dirname(path), { recursive: true });
    await fs.writeFile(path, file.content, { encoding: 'utf8' });
  }
}
