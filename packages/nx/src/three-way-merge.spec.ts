import { describe, expect, it } from 'vitest';
import { hasConflictMarkers, mergeProjectTargets, mergeThreeWay } from './three-way-merge.js';

const labels = { ours: 'yours', base: 'slipway 0.1.0', theirs: 'slipway 0.2.0' };
const base = ['a', 'b', 'c', 'd', 'e', ''].join('\n');

describe('three-way merge', () => {
  it('takes theirs when the user changed nothing', () => {
    const theirs = base.replace('c', 'C');
    expect(mergeThreeWay(base, base, theirs, labels)).toEqual({ content: theirs, conflicts: 0 });
  });

  it('keeps the user’s change when the template did not move', () => {
    const ours = base.replace('b', 'B (mine)');
    expect(mergeThreeWay(ours, base, base, labels)).toEqual({ content: ours, conflicts: 0 });
  });

  it('merges hunks that do not overlap', () => {
    const ours = base.replace('a', 'A (mine)');
    const theirs = base.replace('e', 'E (new)');
    const merged = mergeThreeWay(ours, base, theirs, labels);
    expect(merged.conflicts).toBe(0);
    expect(merged.content).toBe(['A (mine)', 'b', 'c', 'd', 'E (new)', ''].join('\n'));
  });

  it('marks overlapping changes as a conflict with all three sides', () => {
    const ours = base.replace('c', 'C (mine)');
    const theirs = base.replace('c', 'C (new)');
    const merged = mergeThreeWay(ours, base, theirs, labels);
    expect(merged.conflicts).toBe(1);
    expect(merged.content).toBe(
      ['a', 'b', '<<<<<<< yours', 'C (mine)', '||||||| slipway 0.1.0', 'c', '=======', 'C (new)', '>>>>>>> slipway 0.2.0', 'd', 'e', ''].join('\n'),
    );
    expect(hasConflictMarkers(merged.content)).toBe(true);
  });

  it('treats the same change on both sides as no conflict', () => {
    const both = base.replace('d', 'D');
    expect(mergeThreeWay(both, base, both, labels)).toEqual({ content: both, conflicts: 0 });
  });
});

describe('mergeProjectTargets', () => {
  const project = (targets: object, tags = ['a']) => JSON.stringify({ name: 'orders', tags, targets });
  const base = project({ build: { command: 'tsc' }, test: { command: 'vitest' }, gone: { command: 'x' } });
  const theirs = project({ build: { command: 'tsc -b' }, test: { command: 'vitest run' }, serve: { command: 'tsx' } });

  it('takes the new render of targets left as rendered, keeps changed and removed ones, and the user’s own', () => {
    const ours = project({ build: { command: 'tsc' }, test: { command: 'jest' }, lint: { command: 'eslint' }, gone: { command: 'x' } }, ['mine']);
    const { content, kept } = mergeProjectTargets(ours, base, theirs);
    const merged = JSON.parse(content) as { tags: string[]; targets: Record<string, unknown> };
    expect(merged.tags).toEqual(['mine']);
    expect(merged.targets).toEqual({
      build: { command: 'tsc -b' },
      gone: { command: 'x' },
      lint: { command: 'eslint' },
      serve: { command: 'tsx' },
      test: { command: 'jest' },
    });
    expect(kept).toEqual(['test']);
  });

  it('a generated target the user removed stays removed; without a base, any difference is the user’s', () => {
    expect(mergeProjectTargets(project({ test: { command: 'vitest' } }), base, theirs).kept).toEqual(['build']);
    expect(mergeProjectTargets(project({ build: { command: 'tsc' } }), undefined, theirs)).toMatchObject({ kept: ['build'] });
  });
});
