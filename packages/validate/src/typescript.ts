import { execFile } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { promisify } from 'node:util';
import type { ArtifactValidator } from './types.js';

const execFileAsync = promisify(execFile);

/**
 * Type-checks a generated TypeScript project with its own tsconfig.json, and the workspace's own
 * TypeScript. The files are written under the workspace's tmp/ (two levels down, like apps/<name>)
 * so that relative `extends` and imports resolve against the workspace's node_modules.
 */
export const typescriptValidator: ArtifactValidator = {
  name: 'tsc --noEmit',
  appliesTo: (path) => /\.(ts|json)$/.test(path),
  async validate(files, context) {
    const root = context?.root ?? process.cwd();
    let tsc: string;
    try {
      tsc = createRequire(join(root, 'package.json')).resolve('typescript/bin/tsc');
    } catch {
      return [{ file: 'tsconfig.json', message: `typescript is not installed in ${root} (npm install -D typescript)` }];
    }
    mkdirSync(join(root, 'tmp'), { recursive: true });
    const dir = mkdtempSync(join(root, 'tmp', 'tsc-'));
    try {
      for (const [file, text] of files) {
        mkdirSync(dirname(join(dir, file)), { recursive: true });
        writeFileSync(join(dir, file), text);
      }
      await execFileAsync(process.execPath, [tsc, '-p', join(dir, 'tsconfig.json')]);
      return [];
    } catch (error) {
      const output = (error as { stdout?: string }).stdout ?? String(error);
      return output
        .split('\n')
        .filter((line) => line.includes('error TS'))
        .map((line) => {
          // tsc prints `<dir>/src/x.ts(12,5): error TS…`; report the project-relative file and line.
          const match = /^(.*?)\((\d+),\d+\)/.exec(line);
          const file = (match?.[1] ?? line.split('(')[0] ?? '').replace(`${dir}/`, '');
          return match ? { file, line: Number(match[2]), message: line.replace(`${dir}/`, '') } : { file, message: line };
        });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  },
};
