import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { repoRoot } from './repo-root.js';

// A clean clone has nothing beside it: every path the repository builds or tests with stays inside it.
const LEAVES_REPO = [/\.\.\/shared\b/, /['"]\.\.['"]\s*,\s*['"]shared['"]/, /repoRoot\s*,\s*['"]\.\.['"]/];

describe('the repository stands alone', () => {
  it('no tracked source file reads a path outside the repository', () => {
    const files = execFileSync('git', ['ls-files', '-z'], { cwd: repoRoot, encoding: 'utf8' })
      .split('\0')
      .filter((f) => /\.(ts|mts|js|mjs|json|ejs|sh|ya?ml)$/.test(f) || f === '.ci/run')
      .filter((f) => !f.startsWith('packages/validate/src/schemas/vendor/') && f !== 'package-lock.json');
    const offenders: string[] = [];
    for (const file of files) {
      const lines = readFileSync(join(repoRoot, file), 'utf8').split('\n');
      lines.forEach((line, i) => {
        // Test inputs that check a path is refused are not reads.
        if (/must stay inside|outside the (workspace|repo)/.test(line)) return;
        if (LEAVES_REPO.some((pattern) => pattern.test(line))) offenders.push(`${file}:${i + 1}: ${line.trim()}`);
      });
    }
    expect(offenders).toEqual([]);
  });
});
