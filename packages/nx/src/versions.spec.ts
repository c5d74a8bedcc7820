import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { packageRoot } from './package-paths.js';
import { versions } from './versions.js';

const repoRoot = join(packageRoot, '../..');
const lock = JSON.parse(readFileSync(join(repoRoot, 'package-lock.json'), 'utf8')) as {
  packages: Record<string, { version?: string }>;
};

// Tools that need Node >= 22 are tested from tools/node-lts (the repo itself runs on Node 20), not the root.
const nodeLtsPins = (JSON.parse(readFileSync(join(repoRoot, 'tools/node-lts/package.json'), 'utf8')) as { devDependencies: Record<string, string> })
  .devDependencies;
const testedOnNodeLts = ['@modelcontextprotocol/inspector', '@modelcontextprotocol/conformance'];

describe('versions map', () => {
  it('pins exact versions (a pre-release is exact too)', () => {
    for (const [name, version] of Object.entries(versions)) expect(version, name).toMatch(/^\d+\.\d+\.\d+(-[0-9A-Za-z.]+)?$/);
  });

  it.each(testedOnNodeLts)('%s is the version tools/node-lts installs and tests with', (name) => {
    expect(versions[name as keyof typeof versions]).toBe(nodeLtsPins[name]);
  });

  it.each(Object.entries(versions).filter(([name]) => !name.startsWith('@slipway/') && !testedOnNodeLts.includes(name)))(
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
    const validate = JSON.parse(readFileSync(join(repoRoot, 'packages/validate/package.json'), 'utf8')) as {
      version: string;
      dependencies: Record<string, string>;
    };
    expect(versions['@slipway/validate']).toBe(validate.version);
    expect(validate.dependencies['@slipway/nx']).toBe(versions['@slipway/nx']);
  });
});
