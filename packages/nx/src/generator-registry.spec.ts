import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { generatorsByKey } from './generator-registry.js';
import { packageRoot } from './package-paths.js';

// Generators that record nothing (they manage no files of their own; preset's READMEs are the user's from the start).
const UNMANAGED = new Set(['init', 'update', 'adopt', 'preset']);

describe('generator registry', () => {
  it('lists every generator that records its output, so update can re-render it', () => {
    const { generators } = JSON.parse(readFileSync(join(packageRoot, 'generators.json'), 'utf8')) as {
      generators: Record<string, unknown>;
    };
    const managed = Object.keys(generators).filter((name) => !UNMANAGED.has(name));
    expect(Object.keys(generatorsByKey).sort()).toEqual(managed.map((name) => `@slipway/nx:${name}`).sort());
  });

  it('loads each generator', async () => {
    for (const load of Object.values(generatorsByKey)) expect(typeof (await load())).toBe('function');
  });
});
