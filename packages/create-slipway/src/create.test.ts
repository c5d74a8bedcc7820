import { createFsFromVolume, Volume } from 'memfs';
import { beforeEach, describe, expect, it } from 'vitest';
import { createWorkspace, type CreateContext } from './create.js';
import type { Step } from './plan.js';
import type { Runner } from './runner.js';

const versions = { slipway: '0.1.0', nx: '24.0.6', node: '>=20.19' };

interface Ran {
  readonly line: string;
  readonly cwd: string;
}

describe('creating the workspace (memfs, recorded steps)', () => {
  let vol: InstanceType<typeof Volume>;
  let fs: CreateContext['fs'];
  let ran: Ran[];
  let logged: string[];

  const recorder =
    (fail?: (step: Step) => string | undefined): Runner =>
    async (step, cwd) => {
      ran.push({ line: [step.command, ...step.args].join(' '), cwd });
      const reason = fail?.(step);
      if (reason) throw new Error(reason);
    };

  const ctx = (run: Runner = recorder()): CreateContext => ({ fs, run, log: (l) => logged.push(l), cwd: '/work', versions });

  beforeEach(() => {
    vol = Volume.fromJSON({ '/work/other/file.txt': 'x', '/work/a-file': 'x' });
    vol.mkdirSync('/work/empty');
    fs = createFsFromVolume(vol).promises;
    ran = [];
    logged = [];
  });

  it('writes the planned files into a new folder, then runs every step there', async () => {
    const dir = await createWorkspace({ name: 'acme', service: 'orders', registry: 'http://127.0.0.1:4873/' }, ctx());
    expect(dir).toBe('/work/acme');
    expect(Object.keys(vol.toJSON('/work/acme')).sort()).toEqual([
      '/work/acme/.gitignore',
      '/work/acme/.npmrc',
      '/work/acme/nx.json',
      '/work/acme/package.json',
    ]);
    expect(JSON.parse(vol.readFileSync('/work/acme/package.json', 'utf8') as string).devDependencies).toEqual({ '@slipway/nx': '0.1.0', nx: '24.0.6' });
    expect(ran).toEqual([
      { line: 'git init -q', cwd: '/work/acme' },
      { line: 'npm install', cwd: '/work/acme' },
      { line: 'npx --no nx g @slipway/nx:preset --name=acme --service=orders --skipInstall --no-interactive', cwd: '/work/acme' },
      { line: 'npm install', cwd: '/work/acme' },
    ]);
  });

  it('uses an existing empty folder', async () => {
    await createWorkspace({ name: 'empty' }, ctx());
    expect(vol.existsSync('/work/empty/package.json')).toBe(true);
  });

  it('refuses a folder that is not empty, and writes and runs nothing', async () => {
    const before = vol.toJSON();
    await expect(createWorkspace({ name: 'other' }, ctx())).rejects.toThrow(
      '/work/other already exists and is not empty: choose another name, or move it away',
    );
    await expect(createWorkspace({ name: 'a-file' }, ctx())).rejects.toThrow('/work/a-file already exists and is a file');
    expect(vol.toJSON()).toEqual(before);
    expect(ran).toEqual([]);
  });

  it('goes on without git, saying so', async () => {
    await createWorkspace({ name: 'acme' }, ctx(recorder((s) => (s.command === 'git' ? 'git was not found on the PATH' : undefined))));
    expect(ran.map((r) => r.line)).toContain('npm install');
    expect(logged).toContain('Skipped (git was not found on the PATH).');
  });

  it('stops at a failed install and says what is left to run', async () => {
    const failing = recorder((s) => (s.command === 'npm' ? 'npm install exited with code 1' : undefined));
    const error = await createWorkspace({ name: 'acme', service: 'orders' }, ctx(failing)).catch((e: Error) => e);
    expect(ran.map((r) => r.line)).toEqual(['git init -q', 'npm install']);
    expect((error as Error).message).toBe(
      [
        'Installing Nx and Slipway failed: npm install exited with code 1.',
        'The workspace in /work/acme is only half made. Fix the cause, then run there:',
        '  npm install',
        '  npx --no nx g @slipway/nx:preset --name=acme --service=orders --skipInstall --no-interactive',
        '  npm install',
        'or delete /work/acme and start again.',
      ].join('\n'),
    );
  });
});
