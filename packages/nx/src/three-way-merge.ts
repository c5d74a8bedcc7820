import { diff3Merge } from 'node-diff3';
import { isDeepStrictEqual } from 'node:util';
import { targetsOf } from './file-ownership.js';

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

type Targets = Record<string, unknown>;
const same = (a: unknown, b: unknown) => isDeepStrictEqual(a, b);

/**
 * Three-way merge of a project.json's generated targets, target by target: a target you left as
 * Slipway rendered it (base) takes the new render (theirs); one you changed or removed stays as you
 * have it and is listed in `kept`. Your own targets and other keys are untouched. Without a base
 * (two-way), a target that differs from theirs counts as yours.
 */
export function mergeProjectTargets(ours: string, base: string | undefined, theirs: string): { content: string; kept: string[] } {
  const project = JSON.parse(ours) as { targets?: Targets };
  const mine = project.targets ?? {};
  const before = base === undefined ? {} : targetsOf(base);
  const kept: string[] = [];
  const targets: Targets = { ...mine };
  for (const [name, next] of Object.entries(targetsOf(theirs))) {
    const current = Object.hasOwn(mine, name) ? mine[name] : undefined;
    const untouched = current === undefined ? !Object.hasOwn(before, name) : Object.hasOwn(before, name) && same(current, before[name]);
    if (untouched) targets[name] = next;
    else if (!same(current, next)) kept.push(name);
  }
  const content = `${JSON.stringify({ ...project, targets: Object.fromEntries(Object.entries(targets).sort(([a], [b]) => a.localeCompare(b))) }, null, 2)}\n`;
  return { content, kept: kept.sort() };
}
