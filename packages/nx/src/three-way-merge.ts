import { diff3Merge } from 'node-diff3';

export interface MergeLabels {
  readonly ours: string;
  readonly base: string;
  readonly theirs: string;
}

export interface TextMerge {
  readonly content: string;
  readonly conflicts: number;
}

/**
 * Line-based three-way merge (diff3) of the user's file (ours) and the new render (theirs) over
 * the recorded render (base). Hunks that don't overlap merge; overlapping ones get standard
 * conflict markers with the base section, as `git merge-file --diff3` writes them.
 */
export function mergeThreeWay(ours: string, base: string, theirs: string, labels: MergeLabels): TextMerge {
  const regions = diff3Merge<string>(ours.split('\n'), base.split('\n'), theirs.split('\n'), { excludeFalseConflicts: true });
  const lines: string[] = [];
  let conflicts = 0;
  for (const region of regions) {
    if (region.ok) {
      lines.push(...region.ok);
    } else if (region.conflict) {
      conflicts += 1;
      lines.push(
        `<<<<<<< ${labels.ours}`,
        ...region.conflict.a,
        `||||||| ${labels.base}`,
        ...region.conflict.o,
        '=======',
        ...region.conflict.b,
        `>>>>>>> ${labels.theirs}`,
      );
    }
  }
  return { content: lines.join('\n'), conflicts };
}

export function hasConflictMarkers(content: string): boolean {
  return /^<<<<<<< .*$[\s\S]*^=======$[\s\S]*^>>>>>>> /m.test(content);
}
