import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { packageRoot } from '../package-paths.js';

describe('migrations.json', () => {
  const { generators } = JSON.parse(readFileSync(join(packageRoot, 'migrations.json'), 'utf8')) as {
    generators: Record<string, { version: string; implementation: string; description: string }>;
  };

  it.each(Object.entries(generators))('%s points at a migration source with a spec', (_name, migration) => {
    expect(migration.version).toMatch(/^\d+\.\d+\.\d+$/);
    expect(migration.description.length).toBeGreaterThan(20);
    const source = join(packageRoot, migration.implementation.replace('./dist/packages/nx/', '').replace(/\.js$/, '.ts'));
    expect(existsSync(source), source).toBe(true);
    expect(existsSync(source.replace(/\.ts$/, '.spec.ts'))).toBe(true);
  });
});
