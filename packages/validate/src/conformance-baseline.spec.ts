import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { repoRoot } from '../../../tools/repo-root.js';
import { baselineProblems, conformanceBaselineValidator } from './conformance-baseline.js';

const template = readFileSync(join(repoRoot, 'templates/server/conformance-baseline.yml'), 'utf8');

describe('conformance baseline validator', () => {
  it('accepts the baseline new services get, an empty one and an absent list', () => {
    expect(baselineProblems(template)).toEqual([]);
    expect(baselineProblems('server: []\n')).toEqual([]);
    expect(baselineProblems('# nothing expected to fail\n')).toEqual([]);
  });

  it('names the entry that YAML reads as a mapping, and how to write it', () => {
    expect(baselineProblems('server:\n  - caching: sep-2549-ttl-non-negative\n')).toEqual([
      'entry "caching: sep-2549-ttl-non-negative" is a mapping: write it without the space, as `- caching:sep-2549-ttl-non-negative`',
    ]);
  });

  it('refuses an entry for a scenario the runner never runs: it would excuse nothing', () => {
    const [problem] = baselineProblems('server:\n  - tools-call-simple-text\n');
    expect(problem).toMatch(/^entry "tools-call-simple-text": slipway-conformance does not run the scenario "tools-call-simple-text"/);
  });

  it('refuses a scenario listed whole and by check, duplicates, unknown keys and non-lists', () => {
    expect(baselineProblems('server:\n  - caching\n  - caching:sep-2549-ttl-non-negative\n  - caching\n')).toEqual([
      'entry "caching" is listed twice',
      'scenario "caching" is listed whole and by check: the suite rejects the pair; keep the checks (they still enforce the rest)',
    ]);
    expect(baselineProblems('servers:\n  - caching\n')).toEqual(['unknown key "servers": the suite reads `server:` (and `client:`) lists only']);
    expect(baselineProblems('server: caching\n')).toEqual(['`server` must be a list of `<scenario>` or `<scenario>:<check-id>` entries']);
    expect(baselineProblems('server: [caching\n')[0]).toMatch(/^not valid YAML/);
  });

  it('applies to the baseline wherever the service is', async () => {
    const problems = await conformanceBaselineValidator.validate(
      new Map([
        ['services/orders/conformance-baseline.yml', 'server:\n  - ping: x\n'],
        ['services/orders/other.yml', 'server: x'],
      ]),
    );
    expect(problems.map((p) => p.file)).toEqual(['services/orders/conformance-baseline.yml']);
  });
});
