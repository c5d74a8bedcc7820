import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { completePlatformEntries } from './lockfile.js';
import { repoRoot } from './repo-root.js';

describe('lockfile', () => {
  it('the committed lockfile lists every optional platform package, so npm ci accepts it', () => {
    const copy = join(mkdtempSync(join(tmpdir(), 'slipway-lock-')), 'package-lock.json');
    writeFileSync(copy, readFileSync(join(repoRoot, 'package-lock.json')));
    expect(completePlatformEntries(copy), 'run: npx tsx tools/lockfile.ts').toEqual([]);
  });

  it('adds a missing platform entry as optional and platform-restricted', () => {
    const lockfile = join(mkdtempSync(join(tmpdir(), 'slipway-lock-')), 'package-lock.json');
    writeFileSync(
      lockfile,
      JSON.stringify({
        packages: { 'node_modules/nx': { version: '1.0.0', optionalDependencies: { '@nx/nx-linux-x64-musl': '1.0.0', '@nx/nx-darwin-arm64': '1.0.0' } } },
      }),
    );
    expect(completePlatformEntries(lockfile).sort()).toEqual(['@nx/nx-darwin-arm64', '@nx/nx-linux-x64-musl']);
    const lock = JSON.parse(readFileSync(lockfile, 'utf8'));
    expect(lock.packages['node_modules/@nx/nx-linux-x64-musl']).toEqual({ version: '1.0.0', optional: true, os: ['linux'], cpu: ['x64'], libc: ['musl'] });
  });
});
