import { execFile } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { promisify } from 'node:util';
import { repoRoot } from '../local-packages.js';
import type { ArtifactValidator } from './types.js';

const execFileAsync = promisify(execFile);

/**
 * Type-checks a generated TypeScript project with its own tsconfig.json. The files are written
 * under the repo's tmp/ so that imports resolve against this repo's node_modules, where the
 * workspace links @slipway/mcp-runtime to its build.
 */
export const typescriptValidator: ArtifactValidator = {
  name: 'tsc --noEmit',
  appliesTo: (path) => /\.(ts|json)$/.test(path),
  async validate(files) {
    mkdirSync(join(repoRoot, 'tmp'), { recursive: true });
    const dir = mkdtempSync(join(repoRoot, 'tmp', 'tsc-'));
    try {
      for (const [file, text] of files) {
        mkdirSync(dirname(join(dir, file)), { recursive: true });
        writeFileSync(join(dir, file), text);
      }
      await execFileAsync(process.execPath, [join(repoRoot, 'node_modules/typescript/bin/tsc'), '-p', join(dir, 'tsconfig.json')]);
      return [];
    } catch (error) {
      const output = (error as { stdout?: string }).stdout ?? String(error);
      return output
        .split('\n')
        .filter((line) => line.includes('error TS'))
        .map((line) => ({ file: line.split('(')[0] ?? '', message: line }));
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  },
};
