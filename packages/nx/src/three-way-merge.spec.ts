import { describe, expect, it } from 'vitest';
import { hasConflictMarkers, mergeThreeWay } from './three-way-merge.js';

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
