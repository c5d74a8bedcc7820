import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { packageRoot } from './package-paths.js';
import { versions } from './versions.js';

const repoRoot = join(packageRoot, '../..');
const lock = JSON.parse(readFileSync(join(repoRoot, 'package-lock.json'), 'utf8')) as {
  packages: Record<string, { version?: string }>;
};

describe('versions map', () => {
  it('pins exact versions', () => {
    for (const [name, version] of Object.entries(versions)) expect(version, name).toMatch(/^\d+\.\d+\.\d+$/);
  });

  it.each(Object.entries(versions).filter(([name]) => !name.startsWith('@slipway/') && name !== '@modelcontextprotocol/inspector'))(
    '%s is what this repo installs and tests with (%s)',
    (name, version) => {
      expect(lock.packages[`node_modules/${name}`]?.version).toBe(version);
    },
  );

  it('the runtime version is the published package version', () => {
    const runtime = JSON.parse(readFileSync(join(repoRoot, 'packages/mcp-runtime/package.json'), 'utf8')) as { version: string };
    expect(versions['@slipway/mcp-runtime']).toBe(runtime.version);
  });

  it('init pins @slipway/validate at its published version, and it pins this plugin', () => {
    const validate = JSON.parse(readFileSync(join(repoRoot, 'packages/validate/package.json'), 'utf8')) as { version: string; dependencies: Record<string, string> };
    expect(versions['@slipway/validate']).toBe(validate.version);
    expect(validate.dependencies['@slipway/nx']).toBe(versions['@slipway/nx']);
  });
});
