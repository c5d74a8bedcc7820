import { joinPathFragments, type Tree } from '@nx/devkit';
import { readAnswers } from './answers.js';
import { classify, OWNERSHIP_RULES, recordedFor, type DriftState } from './file-ownership.js';
import { generatorsByKey } from './generator-registry.js';
import { slipwayVersion } from './package-paths.js';
import { currentApi, rerender } from './rerender.js';

export type { DriftState } from './file-ownership.js';

export interface DriftEntry {
  readonly path: string;
  readonly state: DriftState;
}

export interface DriftReport {
  readonly project: string;
  readonly generations: ReadonlyArray<{ readonly generator: string; readonly recordedVersion: string; readonly files: readonly DriftEntry[] }>;
  /** Recorded with an older @slipway/nx, or files this version would render differently. */
  readonly updateAvailable: boolean;
  /** Managed files that differ from what the templates would render now. */
  readonly drifted: number;
}

/**
 * Compares a project's managed files with what the current templates would render from its
 * answers record. Reads only: nothing is written.
 */
export async function driftReport(tree: Tree, project: string, projectRoot: string): Promise<DriftReport> {
  const generations = [];
  let updateAvailable = false;
  let drifted = 0;
  for (const [key, record] of Object.entries(readAnswers(tree, projectRoot)?.records ?? {}).sort(([a], [b]) => a.localeCompare(b))) {
    // readAnswers validated every field; keys outside the registry (adopt) render nothing.
    if (!Object.hasOwn(generatorsByKey, key)) continue;
    if (record.version !== slipwayVersion) updateAvailable = true;
    const theirs = await rerender(currentApi, tree, key, record, projectRoot, false);
    const base = record.base ?? projectRoot;
    const files = theirs.files.map((file) => {
      const path = joinPathFragments(base, file.path);
      const ownership = classify({ template: file, stillRendered: true, recorded: recordedFor(record.files, file.path), onDisk: tree.read(path, 'utf-8') });
      return { path, ownership };
    });
    for (const { ownership } of files) {
      if (ownership === 'generated') updateAvailable = true;
      if (OWNERSHIP_RULES[ownership].drifts) drifted += 1;
    }
    generations.push({
      generator: key,
      recordedVersion: record.version,
      files: files.map(({ path, ownership }) => ({ path, state: OWNERSHIP_RULES[ownership].drift })),
    });
  }
  return { project, generations, updateAvailable, drifted };
}
