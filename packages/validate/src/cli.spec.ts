import { mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { Tree } from '@nx/devkit';
import { createTreeWithEmptyWorkspace } from '@nx/devkit/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateService } from '../../../generators/spec-support.js';
import { repoRoot } from '../../../tools/repo-root.js';
import { runCli, type ValidationReport } from './cli.js';

// Workspaces go under the repo's tmp/, so the server layer's tsc resolves this repo's node_modules.
const scratch = join(repoRoot, 'tmp');
const made: string[] = [];

function writeWorkspace(tree: Tree, edit: (files: Map<string, string>) => void = () => {}): string {
  const files = new Map(
    tree
      .listChanges()
      .filter((change) => change.type !== 'DELETE' && change.content)
      .map((change) => [change.path, change.content!.toString('utf8')] as const),
  );
  edit(files);
  mkdirSync(scratch, { recursive: true });
  const dir = mkdtempSync(join(scratch, 'validate-cli-'));
  made.push(dir);
  for (const [path, text] of files) {
    mkdirSync(dirname(join(dir, path)), { recursive: true });
    writeFileSync(join(dir, path), text);
  }
  return dir;
}

async function run(args: string[], env: NodeJS.ProcessEnv = process.env): Promise<{ code: number; out: string; err: string }> {
  const out: string[] = [];
  const err: string[] = [];
  const code = await runCli(args, { env, out: (line) => out.push(line), err: (line) => err.push(line) });
  return { code, out: out.join('\n'), err: err.join('\n') };
}

function replaceIn(files: Map<string, string>, path: string, from: RegExp | string, to: string): void {
  const text = files.get(path);
  if (text === undefined) throw new Error(`no ${path} among ${[...files.keys()].join(', ')}`);
  const next = text.replace(from, to);
  if (next === text) throw new Error(`${String(from)} not found in ${path}`);
  files.set(path, next);
}

describe('slipway-validate', () => {
  let tree: Tree;

  beforeAll(async () => {
    tree = createTreeWithEmptyWorkspace();
    await generateService(tree, { deploy: 'docker,compose,k8s,azure,github-actions,azure-pipelines' as never });
  });

  afterAll(() => {
    for (const dir of made) rmSync(dir, { recursive: true, force: true });
  });

  it('passes a generated service with all six deploy targets, and reports it as JSON', async () => {
    const dir = writeWorkspace(tree);
    const result = await run([dir, 'orders', '--json', '--require-tools']);
    const report = JSON.parse(result.out) as ValidationReport;
    expect(report.problems).toEqual([]);
    expect(report.skipped).toEqual([]);
    expect(report.ok).toBe(true);
    expect(report.checked.map((check) => check.generator).sort()).toEqual([
      '@slipway/nx:azure',
      '@slipway/nx:azure-pipelines',
      '@slipway/nx:compose',
      '@slipway/nx:docker',
      '@slipway/nx:github-actions',
      '@slipway/nx:k8s',
      '@slipway/nx:new-mcp-service',
    ]);
    expect(result.code).toBe(0);
  });

  it('fails naming file, line and rule after an owner breaks the Dockerfile, a workflow, the k8s base and the Bicep', async () => {
    const dir = writeWorkspace(tree, (files) => {
      replaceIn(files, 'services/orders/Dockerfile', /^USER .*$/m, 'USER root');
      const workflow = [...files.keys()].find((path) => /^\.github\/workflows\/.*delivery\.yml$/.test(path))!;
      replaceIn(files, workflow, /uses: actions\/checkout@[0-9a-f]{40}[^\n]*/, 'uses: actions/checkout@main');
      replaceIn(files, 'services/orders/deploy/k8s/base/workload.yaml', /$/, '\n---\napiVersion: v1\nkind: SecurityContext\nmetadata:\n  name: orders\n');
      replaceIn(files, 'services/orders/infra/modules/registry.bicep', 'adminUserEnabled: false', 'adminUserEnabld: false');
    });
    const result = await run([dir, 'orders']);
    expect(result.code).toBe(1);
    // `file:line: rule: message`, one problem a line.
    const reported = result.out.split('\n').flatMap((line) => {
      const match = /^(.+?):(\d+): (.+?): (.*)$/.exec(line);
      return match ? [{ file: match[1]!, line: Number(match[2]), rule: match[3]!, message: match[4]! }] : [];
    });
    const problem = (file: RegExp, rule: RegExp, message: RegExp) =>
      expect(
        reported.some((p) => file.test(p.file) && p.line > 0 && rule.test(p.rule) && message.test(p.message)),
        `${file} ${rule} ${message} in\n${result.out}`,
      ).toBe(true);
    const at = (file: RegExp) => reported.find((p) => file.test(p.file))?.line;
    problem(/^services\/orders\/Dockerfile$/, /dockerfile/i, /root/i);
    problem(/^\.github\/workflows\/.*delivery\.yml$/, /workflow/i, /checkout@main|SHA/i);
    problem(/^services\/orders\/deploy\/k8s\/base\/workload\.yaml$|^services\/orders\/deploy\/k8s/, /kubectl|kubernetes/i, /SecurityContext/);
    problem(/^services\/orders\/infra\/modules\/registry\.bicep$/, /bicep/i, /adminUserEnabld/);
    // The lines point at the edits.
    const text = (path: string) => readFileSync(join(dir, path), 'utf8').split('\n');
    expect(text('services/orders/Dockerfile')[at(/Dockerfile$/)! - 1]).toBe('USER root');
    expect(text('services/orders/infra/modules/registry.bicep')[at(/registry\.bicep$/)! - 1]).toContain('adminUserEnabld');
    const workflow = reported.find((p) => p.file.startsWith('.github/'))!;
    expect(text(workflow.file)[workflow.line - 1]).toContain('actions/checkout@main');
  });

  it('lists the checks that did not run when shellcheck is not on PATH, and --require-tools fails on them', async () => {
    const dir = writeWorkspace(tree);
    // A PATH with every tool but shellcheck: links to the real yamllint, kubectl, docker-compose and promtool.
    const bin = join(dir, 'bin');
    mkdirSync(bin);
    for (const tool of ['yamllint', 'kubectl', 'docker-compose', 'promtool']) symlinkSync(`/usr/bin/${tool}`, join(bin, tool));
    const env = { ...process.env, PATH: bin };
    const warned = await run([dir, 'orders'], env);
    expect(warned.err).toMatch(/shellcheck did not run: shellcheck is not on PATH \(orders\); install: apt-get install shellcheck/);
    expect(warned.code).toBe(0);
    const strict = await run([dir, 'orders', '--require-tools', '--json'], env);
    expect(strict.code).toBe(1);
    const report = JSON.parse(strict.out) as ValidationReport;
    expect(report.skipped.map((skip) => skip.tool)).toEqual(['shellcheck']);
  });
});

describe('slipway-validate usage', () => {
  it('refuses an unknown option and an unknown project, and reports a bad answers record in one line', async () => {
    const io = () => {
      const lines: string[] = [];
      return { lines, io: { env: process.env, out: (line: string) => lines.push(line), err: (line: string) => lines.push(line) } };
    };
    const flag = io();
    expect(await runCli(['--fast'], flag.io)).toBe(2);
    expect(flag.lines.join('\n')).toMatch(/unknown option --fast\nusage: slipway-validate/);

    mkdirSync(scratch, { recursive: true });
    const dir = mkdtempSync(join(scratch, 'validate-cli-'));
    made.push(dir);
    writeFileSync(join(dir, 'nx.json'), '{}\n');
    writeFileSync(join(dir, 'package.json'), '{ "name": "ws", "private": true }\n');
    mkdirSync(join(dir, 'services/orders'), { recursive: true });
    writeFileSync(join(dir, 'services/orders/project.json'), '{ "name": "orders", "root": "services/orders" }\n');
    const unknown = io();
    expect(await runCli([dir, 'billing'], unknown.io)).toBe(2);
    expect(unknown.lines.join('\n')).toMatch(/no project named billing/);

    writeFileSync(join(dir, 'services/orders/.slipway-answers.json'), '{ "records": { "@slipway/nx:docker": { "files": { "../../etc/passwd": "x" } } } }');
    const bad = io();
    expect(await runCli([dir, 'orders'], bad.io)).toBe(1);
    expect(bad.lines).toHaveLength(1);
    expect(bad.lines[0]).toMatch(/^slipway-validate: .*\.slipway-answers\.json/);
  });
});
