import { addProjectConfiguration, readJson, type Tree } from '@nx/devkit';
import { createTreeWithEmptyWorkspace } from '@nx/devkit/testing';
import { describe, expect, it } from 'vitest';
import { contentHash, type GeneratorRecord } from './answers.js';
import { applyFiles, writeManagedFile, type FileOutcome, type RenderedFile } from './render.js';

const OLD = 'old\n';
const NEW = 'new\n';
const MINE = 'mine\n';
const record = (files: Record<string, string>): GeneratorRecord => ({ version: '1.0.0', options: {}, files });

/** applyFiles on one file `a.txt` under `p/`: what it writes, reports and records. */
function applyOne(onDisk: string | null, recorded: string | undefined, writeOnce = false) {
  const tree = createTreeWithEmptyWorkspace();
  if (onDisk !== null) tree.write('p/a.txt', onDisk);
  const previous = recorded === undefined ? undefined : record({ 'a.txt': recorded });
  const result = applyFiles(tree, 'p', [{ path: 'a.txt', content: NEW, writeOnce }], previous);
  return { outcome: result.outcomes[0]!.outcome, after: tree.read('p/a.txt', 'utf-8'), recorded: result.hashes['a.txt'] };
}

describe('applyFiles: generation through the one writer', () => {
  it.each<[string, string | null, string | undefined, boolean, FileOutcome, string | null, string | undefined]>([
    ['a new file is created and recorded', null, undefined, false, 'created', NEW, contentHash(NEW)],
    ['an untouched file is updated', OLD, contentHash(OLD), false, 'updated', NEW, contentHash(NEW)],
    ['a file already as rendered is unchanged', NEW, contentHash(OLD), false, 'unchanged', NEW, contentHash(NEW)],
    ['an edited file is kept, with the earlier record', MINE, contentHash(OLD), false, 'kept-user-edit', MINE, contentHash(OLD)],
    ['a deleted file stays deleted, with the earlier record', null, contentHash(OLD), false, 'kept-user-deletion', null, contentHash(OLD)],
    ['a file that was there before is kept, and nothing recorded', MINE, undefined, false, 'kept-existing', MINE, undefined],
    ['a write-once file is kept', OLD, contentHash(OLD), true, 'write-once', OLD, contentHash(OLD)],
    ['a deleted write-once file stays deleted', null, contentHash(OLD), true, 'kept-user-deletion', null, contentHash(OLD)],
  ])('%s', (_name, onDisk, recorded, writeOnce, outcome, after, recordedAfter) => {
    expect(applyOne(onDisk, recorded, writeOnce)).toEqual({ outcome, after, recorded: recordedAfter });
  });

  it('a second run with the first run’s record changes nothing', () => {
    const tree = createTreeWithEmptyWorkspace();
    const files: RenderedFile[] = [
      { path: 'a.txt', content: NEW, writeOnce: false },
      { path: 'src/b.ts', content: 'export {};\n', writeOnce: true },
    ];
    const first = applyFiles(tree, 'p', files, undefined);
    const snapshot = tree.listChanges().map((c) => [c.path, c.content?.toString()]);
    const second = applyFiles(tree, 'p', files, record(first.hashes));
    expect(second.outcomes.map((o) => o.outcome)).toEqual(['unchanged', 'unchanged']);
    expect(second.hashes).toEqual(first.hashes);
    expect(tree.listChanges().map((c) => [c.path, c.content?.toString()])).toEqual(snapshot);
  });
});

describe('writeManagedFile', () => {
  const projectJson = (targets: object, extra: object = {}) => `${JSON.stringify({ name: 'orders', ...extra, targets }, null, 2)}\n`;

  function withProject(): Tree {
    const tree = createTreeWithEmptyWorkspace();
    addProjectConfiguration(tree, 'orders', { root: 'services/orders', tags: ['mine'], targets: { lint: { command: 'eslint' }, build: { command: 'tsc' } } });
    return tree;
  }

  it('merges the targets of a project.json by name, keeping the user’s targets and keys, sorted', () => {
    const tree = withProject();
    writeManagedFile(
      tree,
      'services/orders/project.json',
      projectJson({ build: { command: 'tsc -b' }, serve: { command: 'tsx' } }, { tags: ['ours'] }),
      'targets',
    );
    const project = readJson(tree, 'services/orders/project.json');
    expect(project.tags).toEqual(['mine']);
    expect(project.targets).toEqual({ build: { command: 'tsc -b' }, lint: { command: 'eslint' }, serve: { command: 'tsx' } });
    expect(Object.keys(project.targets)).toEqual(['build', 'lint', 'serve']);
  });

  it('writes a new project.json whole, writes nothing when the content is there, and deletes for null', () => {
    const tree = createTreeWithEmptyWorkspace();
    const content = projectJson({ build: { command: 'tsc' } });
    writeManagedFile(tree, 'services/orders/project.json', content, 'targets');
    expect(tree.read('services/orders/project.json', 'utf-8')).toBe(content);
    const changes = tree.listChanges().length;
    writeManagedFile(tree, 'services/orders/project.json', content, 'targets');
    expect(tree.listChanges()).toHaveLength(changes);
    writeManagedFile(tree, 'services/orders/project.json', null);
    expect(tree.exists('services/orders/project.json')).toBe(false);
  });
});
