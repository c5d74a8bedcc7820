import { readJson, type Tree } from '@nx/devkit';
import { createTreeWithEmptyWorkspace } from '@nx/devkit/testing';
import { describe, expect, it } from 'vitest';
import { generateService } from '../../../../generators/spec-support.js';
import { answersFileName, readAnswers } from '../answers.js';
import { CONFORMANCE_BASELINE } from '../conformance.js';
import { driftReport } from '../drift.js';
import { versions } from '../versions.js';
import migrate from './add-conformance.js';

const ROOT = 'services/orders';
const SUITE = versions['@modelcontextprotocol/conformance'];

type Targets = Record<string, { options: { command: string; env?: Record<string, string> } }>;
const targets = (tree: Tree): Targets => readJson(tree, `${ROOT}/project.json`).targets;

/** A service as a release before the conformance target made it: no target, no baseline, neither recorded. */
async function olderService(options: Parameters<typeof generateService>[1] = {}): Promise<Tree> {
  const tree = createTreeWithEmptyWorkspace();
  await generateService(tree, options);
  const project = readJson(tree, `${ROOT}/project.json`);
  delete project.targets.conformance;
  tree.write(`${ROOT}/project.json`, `${JSON.stringify(project, null, 2)}\n`);
  tree.delete(`${ROOT}/${CONFORMANCE_BASELINE}`);
  const answers = readJson(tree, `${ROOT}/${answersFileName}`);
  delete answers.records['@slipway/nx:new-mcp-service'].files[CONFORMANCE_BASELINE];
  tree.write(`${ROOT}/${answersFileName}`, `${JSON.stringify(answers, null, 2)}\n`);
  return tree;
}

/** Every file of the tree, to show that a second run writes nothing. */
function snapshot(tree: Tree): Map<string, string | null> {
  return new Map(tree.listChanges().map((change) => [change.path, tree.read(change.path, 'utf-8')]));
}

describe('migration: add-conformance', () => {
  it('adds the target and baseline exactly as new-mcp-service writes them, and a re-run changes nothing', async () => {
    const fresh = createTreeWithEmptyWorkspace();
    await generateService(fresh);
    const tree = await olderService();
    tree.write(
      `${ROOT}/project.json`,
      JSON.stringify({ ...readJson(tree, `${ROOT}/project.json`), targets: { ...targets(tree), deploy: { command: 'team-owned' } } }),
    );

    expect(migrate(tree)).toEqual([`orders: added the conformance target (MCP conformance suite ${SUITE}) and ${CONFORMANCE_BASELINE}`]);
    expect(targets(tree)['conformance']).toEqual(targets(fresh)['conformance']);
    expect(targets(tree)['deploy'], "the team's own target stays").toEqual({ command: 'team-owned' });
    expect(tree.read(`${ROOT}/${CONFORMANCE_BASELINE}`, 'utf-8')).toBe(fresh.read(`${ROOT}/${CONFORMANCE_BASELINE}`, 'utf-8'));
    // What the drift check compares: both files are now as this release renders them.
    const drift = await driftReport(tree, 'orders', ROOT);
    const states = new Map(drift.generations.flatMap((g) => g.files.map((f) => [f.path, f.state] as const)));
    expect(states.get(`${ROOT}/${CONFORMANCE_BASELINE}`)).toBe('in-sync');
    expect(states.get(`${ROOT}/project.json`)).toBe('in-sync');

    const before = snapshot(tree);
    expect(migrate(tree)).toEqual([]);
    expect(snapshot(tree)).toEqual(before);
  });

  it('moves a target pinned to an older suite forward, keeping the rest of its command; a newer pin stays', async () => {
    const tree = createTreeWithEmptyWorkspace();
    await generateService(tree);
    const project = readJson(tree, `${ROOT}/project.json`);
    const generated = project.targets.conformance.options.command as string;
    project.targets.conformance.options.command = `${generated.replace(`--suite-version ${SUITE}`, '--suite-version 0.1.13')} --verbose-team-flag`;
    tree.write(`${ROOT}/project.json`, JSON.stringify(project, null, 2));

    expect(migrate(tree)).toEqual([`orders: conformance target moved from the MCP conformance suite 0.1.13 to ${SUITE}`]);
    expect(targets(tree)['conformance']!.options.command).toBe(`${generated} --verbose-team-flag`);
    expect(migrate(tree)).toEqual([]);

    project.targets.conformance.options.command = generated.replace(`--suite-version ${SUITE}`, '--suite-version 9.0.0');
    tree.write(`${ROOT}/project.json`, JSON.stringify(project, null, 2));
    expect(migrate(tree)).toEqual([]);
    expect(targets(tree)['conformance']!.options.command).toContain('--suite-version 9.0.0');
  });

  it('leaves stdio-only services, a target the team removed, and a command that is not the runner alone', async () => {
    const stdio = await olderService({ transport: 'stdio' });
    expect(migrate(stdio)).toEqual([]);
    expect(targets(stdio)['conformance']).toBeUndefined();

    // Slipway wrote the baseline (the record holds its hash), so a missing target is the team's choice.
    const removed = createTreeWithEmptyWorkspace();
    await generateService(removed);
    expect(readAnswers(removed, ROOT)?.records['@slipway/nx:new-mcp-service']?.files[CONFORMANCE_BASELINE]).toBeDefined();
    const project = readJson(removed, `${ROOT}/project.json`);
    delete project.targets.conformance;
    removed.write(`${ROOT}/project.json`, JSON.stringify(project, null, 2));
    expect(migrate(removed)).toEqual([]);
    expect(targets(removed)['conformance']).toBeUndefined();

    const replaced = createTreeWithEmptyWorkspace();
    await generateService(replaced);
    const own = readJson(replaced, `${ROOT}/project.json`);
    own.targets.conformance.options.command = 'npx @modelcontextprotocol/conformance@0.1.13 server --url http://localhost:3000/mcp';
    replaced.write(`${ROOT}/project.json`, JSON.stringify(own, null, 2));
    expect(migrate(replaced)).toEqual([]);
  });

  it('gives a PGlite service a throw-away database and a PostgreSQL service none', async () => {
    const pglite = await olderService();
    migrate(pglite);
    expect(targets(pglite)['conformance']!.options.env).toEqual({ PGLITE_DATA_DIR: 'memory://' });
    const postgres = await olderService({ database: 'postgres' });
    migrate(postgres);
    expect(targets(postgres)['conformance']!.options.env).toBeUndefined();
  });
});
