import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { yamlLintValidator } from './yaml-lint.js';

const fixtures = join(import.meta.dirname, '__fixtures__/yaml-lint');

describe('yamllint validator (relaxed config)', () => {
  it('accepts what the relaxed rules allow: `on:`, no `---`, long lines, flow maps, one space before a pin comment', async () => {
    const text = `on: push\njobs:\n  a: {runs-on: ubuntu-24.04}\n  b:\n    steps:\n      - uses: owner/action@0123456789abcdef0123456789abcdef01234567 # v1.2.3\n        with:\n          args: ${'x'.repeat(200)}\n`;
    expect(await yamlLintValidator.validate(new Map([['ci.yml', text]]))).toEqual([]);
  });

  it.each([
    ['duplicate-key.yml', /6:5: \[error\] duplication of key "runs-on" in mapping \(key-duplicates\)/],
    ['trailing-spaces.yml', /trailing spaces \(trailing-spaces\)/],
    ['trailing-spaces.yml', /no new line character at the end of file/],
    ['bad-indentation.yml', /\[error\] syntax error/],
  ])('catches %s: %s', async (name, expected) => {
    const problems = await yamlLintValidator.validate(new Map([[name, readFileSync(join(fixtures, name), 'utf8')]]));
    expect(problems.map((p) => p.message)).toContainEqual(expect.stringMatching(expected));
  });
});
