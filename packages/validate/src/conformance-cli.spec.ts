import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { repoRoot } from '../../../tools/repo-root.js';
import { conformanceUsage, nodeRequirementProblem, runConformanceCli } from './conformance-cli.js';

const scratch = join(repoRoot, 'tmp');
mkdirSync(scratch, { recursive: true });
const service = mkdtempSync(join(scratch, 'conformance-cli-'));
afterAll(() => rmSync(service, { recursive: true, force: true }));

async function run(args: string[], nodeVersion = 'v22.23.5', cwd = service): Promise<{ code: number; out: string; err: string }> {
  const out: string[] = [];
  const err: string[] = [];
  const code = await runConformanceCli(args, { cwd, env: process.env, nodeVersion, out: (line) => out.push(line), err: (line) => err.push(line) });
  return { code, out: out.join('\n'), err: err.join('\n') };
}

describe('slipway-conformance', () => {
  it('refuses Node older than 22, naming the requirement and why, before it starts anything', async () => {
    const result = await run([], 'v20.19.1');
    expect(result.code).toBe(2);
    expect(result.err).toContain('needs Node >= 22');
    expect(result.err).toContain('fs.globSync');
    expect(result.err).toContain('This is Node v20.19.1');
    expect(result.out).toBe('');
    expect(nodeRequirementProblem('v22.0.0')).toBeUndefined();
    expect(nodeRequirementProblem('v26.1.0')).toBeUndefined();
  });

  it('names the flag and the fix for bad options', async () => {
    const unknown = await run(['--urll', 'http://127.0.0.1:1/mcp']);
    expect(unknown.code).toBe(2);
    expect(unknown.err).toMatch(/--urll/);
    expect(unknown.err).toContain(conformanceUsage);

    const url = await run(['--url', '127.0.0.1:3000/mcp']);
    expect(url.err).toContain('--url: "127.0.0.1:3000/mcp" is not an http(s) URL');

    const baseline = await run(['--expected-failures', 'missing-baseline.yml']);
    expect(baseline.code).toBe(2);
    expect(baseline.err).toContain(`--expected-failures: ${join(service, 'missing-baseline.yml')} does not exist`);
  });

  it('asks for a build when the service has not been built', async () => {
    writeFileSync(join(service, 'package.json'), JSON.stringify({ name: 'orders', main: 'dist/main.js' }));
    const result = await run([]);
    expect(result.code).toBe(1);
    expect(result.err).toContain(`${join(service, 'dist/main.js')} does not exist: build the service first (nx run <service>:build), or pass --url`);
  });
});
