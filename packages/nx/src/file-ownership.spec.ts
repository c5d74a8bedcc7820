import { describe, expect, it } from 'vitest';
import { contentHash } from './answers.js';
import { classify, DRIFTING_STATES, OWNERSHIP_RULES, ownedPart, recordedHash, type ManagedFile, type Ownership } from './file-ownership.js';

const V1 = 'export const a = 1;\n';
const V2 = 'export const a = 2;\n';
const MINE = 'export const a = 42;\n';
const file = (content: string, writeOnce = false): ManagedFile => ({ content, writeOnce });

/**
 * The contract: what the template renders now, what Slipway last wrote (its recorded hash) and the
 * file on disk decide who owns it; that decides what generation, the drift check and update do.
 */
const CASES: ReadonlyArray<{
  readonly name: string;
  readonly template: ManagedFile;
  readonly recorded: string | undefined;
  readonly onDisk: string | null;
  readonly stillRendered?: boolean;
  readonly ownership: Ownership;
  readonly generate: string;
  readonly drift: string;
  readonly update: string;
}> = [
  {
    name: 'never written, not on disk',
    template: file(V1),
    recorded: undefined,
    onDisk: null,
    ownership: 'new',
    generate: 'created',
    drift: 'missing',
    update: 'write',
  },
  {
    name: 'as the template renders it',
    template: file(V2),
    recorded: contentHash(V1),
    onDisk: V2,
    ownership: 'in-sync',
    generate: 'unchanged',
    drift: 'in-sync',
    update: 'keep',
  },
  {
    name: 'as Slipway wrote it, template moved on',
    template: file(V2),
    recorded: contentHash(V1),
    onDisk: V1,
    ownership: 'generated',
    generate: 'updated',
    drift: 'update-available',
    update: 'write',
  },
  {
    name: 'changed by the user',
    template: file(V2),
    recorded: contentHash(V1),
    onDisk: MINE,
    ownership: 'edited',
    generate: 'kept-user-edit',
    drift: 'edited',
    update: 'merge',
  },
  {
    name: 'deleted by the user',
    template: file(V1),
    recorded: contentHash(V1),
    onDisk: null,
    ownership: 'deleted',
    generate: 'kept-user-deletion',
    drift: 'missing',
    update: 'keep',
  },
  {
    name: 'write-once, changed by the user',
    template: file(V1, true),
    recorded: contentHash(V1),
    onDisk: MINE,
    ownership: 'write-once',
    generate: 'write-once',
    drift: 'write-once',
    update: 'keep',
  },
  {
    name: 'write-once, deleted by the user',
    template: file(V1, true),
    recorded: contentHash(V1),
    onDisk: null,
    ownership: 'write-once-deleted',
    generate: 'kept-user-deletion',
    drift: 'deleted',
    update: 'keep',
  },
  {
    name: 'on disk before Slipway wrote it',
    template: file(V1),
    recorded: undefined,
    onDisk: MINE,
    ownership: 'foreign',
    generate: 'kept-existing',
    drift: 'foreign',
    update: 'keep',
  },
  {
    name: 'no longer rendered, untouched',
    template: file(V1),
    recorded: contentHash(V1),
    onDisk: V1,
    stillRendered: false,
    ownership: 'generated',
    generate: 'updated',
    drift: 'update-available',
    update: 'remove',
  },
  {
    name: 'no longer rendered, changed by the user',
    template: file(V1),
    recorded: contentHash(V1),
    onDisk: MINE,
    stillRendered: false,
    ownership: 'edited',
    generate: 'kept-user-edit',
    drift: 'edited',
    update: 'keep',
  },
];

describe('file ownership: one rule for generation, the drift check and update', () => {
  it.each(CASES)('$name → $ownership', ({ template, recorded, onDisk, stillRendered = true, ownership, generate, drift, update }) => {
    expect(classify({ template, stillRendered, recorded, onDisk })).toBe(ownership);
    const rule = OWNERSHIP_RULES[ownership];
    expect({ generate: rule.generate, drift: rule.drift, update: stillRendered ? rule.update : rule.updateDropped }).toEqual({ generate, drift, update });
  });

  it('fails the drift check only where Slipway owns a file that differs, never on the user’s own files', () => {
    expect([...DRIFTING_STATES].sort()).toEqual(['edited', 'foreign', 'missing', 'update-available']);
  });

  it('every file update leaves alone says why', () => {
    for (const [ownership, rule] of Object.entries(OWNERSHIP_RULES)) {
      const leavesAnExistingFile = rule.updateDropped === 'keep' && !['new', 'in-sync', 'generated'].includes(ownership);
      if (leavesAnExistingFile) expect(rule.keptBecause, ownership).toBeTruthy();
    }
  });
});

describe('project.json, owned target by target', () => {
  const rendered = JSON.stringify({ name: 'orders', tags: ['a'], targets: { build: { command: 'tsc' }, serve: { command: 'tsx' } } });
  const template: ManagedFile = { content: rendered, writeOnce: false, grain: 'targets' };
  const withTargets = (targets: object, tags = ['a']) => JSON.stringify({ name: 'orders', tags, targets });
  const recorded = recordedHash(template);

  it('owns only the targets it renders, in any key order', () => {
    expect(ownedPart(template, withTargets({ serve: { command: 'tsx' }, lint: { command: 'eslint' }, build: { command: 'tsc' } }, ['b']))).toBe(
      ownedPart(template, rendered),
    );
  });

  it.each([
    ['a target the user added', withTargets({ build: { command: 'tsc' }, serve: { command: 'tsx' }, lint: { command: 'eslint' } }), 'in-sync'],
    ['an edit to a key Slipway does not own', withTargets({ build: { command: 'tsc' }, serve: { command: 'tsx' } }, ['team:payments']), 'in-sync'],
    ['a changed command of a generated target', withTargets({ build: { command: 'tsc -b' }, serve: { command: 'tsx' } }), 'edited'],
    ['a generated target the user removed', withTargets({ build: { command: 'tsc' } }), 'edited'],
  ] as const)('%s → %s', (_name, onDisk, ownership) => {
    expect(classify({ template, stillRendered: true, recorded, onDisk })).toBe(ownership);
  });

  it('a record from before target ownership (the whole file’s hash) still counts the untouched file as generated', () => {
    const old = withTargets({ build: { command: 'tsc' }, serve: { command: 'node' } });
    expect(classify({ template, stillRendered: true, recorded: contentHash(old), onDisk: old })).toBe('generated');
  });
});
