import { joinPathFragments, type Tree } from '@nx/devkit';
import { contentHash, readAnswers } from './answers.js';
import { generatorsByKey } from './generator-registry.js';
import { slipwayVersion } from './package-paths.js';
import { currentApi, rerender } from './rerender.js';

export type DriftState = 'in-sync' | 'edited' | 'update-available' | 'missing' | 'write-once';

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
    const files: DriftEntry[] = theirs.files.map((file) => {
      const ours = tree.read(joinPathFragments(base, file.path), 'utf-8');
      const path = joinPathFragments(base, file.path);
      if (ours === file.content) return { path, state: 'in-sync' };
      if (file.writeOnce && ours !== null) return { path, state: 'write-once' };
      if (ours === null) return { path, state: 'missing' };
      return { path, state: record.files[file.path] === contentHash(ours) ? 'update-available' : 'edited' };
    });
    for (const f of files) {
      if (f.state === 'update-available') updateAvailable = true;
      if (f.state !== 'in-sync' && f.state !== 'write-once') drifted += 1;
    }
    generations.push({ generator: key, recordedVersion: record.version, files });
  }
  return { project, generations, updateAvailable, drifted };
}
