import { joinPathFragments, type Tree } from '@nx/devkit';
import { contentHash, readAnswers, writeGeneratorRecord } from '../../../packages/nx/src/answers.js';
import type { CapturedGeneration } from '../../../packages/nx/src/generate-layer.js';
import { generatorsByKey } from '../../../packages/nx/src/generator-registry.js';
import { slipwayVersion } from '../../../packages/nx/src/package-paths.js';
import type { RenderedFile } from '../../../packages/nx/src/render.js';
import { currentApi, rerender as render } from '../../../packages/nx/src/rerender.js';
import type { RenderingApiLoader } from '../../../packages/nx/src/slipway-versions.js';
import { mergeThreeWay } from '../../../packages/nx/src/three-way-merge.js';

export type UpdateOutcome = 'unchanged' | 'updated' | 'created' | 'removed' | 'merged' | 'conflict' | 'skipped';

export interface FileUpdate {
  /** Path from the workspace root. */
  readonly path: string;
  readonly outcome: UpdateOutcome;
  readonly reason?: string;
  readonly before: string | null;
  readonly after: string | null;
}

export interface GenerationUpdate {
  readonly generator: string;
  readonly fromVersion: string;
  /** Set when the recorded version could not be re-rendered and a two-way update was made instead. */
  readonly twoWayReason?: string;
  readonly files: readonly FileUpdate[];
}

function byPath(files: readonly RenderedFile[]): Map<string, RenderedFile> {
  return new Map(files.map((f) => [f.path, f]));
}

interface Decision {
  readonly outcome: UpdateOutcome;
  readonly content: string | null;
  readonly reason?: string;
  readonly conflicts?: number;
}

/** One file's fate: the user's copy (ours), the recorded render (base) and the new one (theirs). */
function decide(
  ours: string | null,
  base: RenderedFile | undefined,
  theirs: RenderedFile | undefined,
  recordedHash: string | undefined,
  labels: { ours: string; base: string; theirs: string },
  twoWay: boolean,
): Decision {
  const writeOnce = theirs?.writeOnce ?? base?.writeOnce ?? false;
  if (ours === null) {
    if (recordedHash !== undefined) return { outcome: 'skipped', content: null, reason: 'you deleted it' };
    if (theirs) return { outcome: 'created', content: theirs.content };
    return { outcome: 'unchanged', content: null };
  }
  if (writeOnce) return { outcome: 'skipped', content: ours, reason: 'yours after the first render (write-once)' };
  if (!theirs) {
    const untouched = base ? ours === base.content : recordedHash === contentHash(ours);
    return untouched
      ? { outcome: 'removed', content: null, reason: 'no longer generated' }
      : { outcome: 'skipped', content: ours, reason: 'no longer generated, and you changed it: left in place' };
  }
  if (ours === theirs.content) return { outcome: 'unchanged', content: ours };
  const untouched = twoWay ? recordedHash === contentHash(ours) : base !== undefined && ours === base.content;
  if (untouched) return { outcome: 'updated', content: theirs.content };
  if (recordedHash === undefined && !base) {
    return { outcome: 'skipped', content: ours, reason: 'it existed before Slipway generated it' };
  }
  const merged = mergeThreeWay(ours, twoWay || !base ? '' : base.content, theirs.content, labels);
  if (merged.conflicts > 0) return { outcome: 'conflict', content: merged.content, conflicts: merged.conflicts };
  return merged.content === ours
    ? { outcome: 'unchanged', content: ours, reason: 'your edits; nothing new from Slipway' }
    : { outcome: 'merged', content: merged.content };
}

/**
 * Updates every generation recorded for one project: re-renders the recorded version (base) and
 * this version (theirs) in a scratch tree, then merges theirs into the user's files.
 */
export async function updateProject(
  tree: Tree,
  projectRoot: string,
  options: { loadVersion: RenderingApiLoader; twoWay: boolean },
): Promise<GenerationUpdate[]> {
  const answers = readAnswers(tree, projectRoot);
  const updates: GenerationUpdate[] = [];
  for (const [key, record] of Object.entries(answers?.records ?? {}).sort(([a], [b]) => a.localeCompare(b))) {
    // readAnswers validated every field; keys outside the registry (adopt) render nothing.
    if (!Object.hasOwn(generatorsByKey, key)) continue;
    const theirs = await render(currentApi, tree, key, record, projectRoot, false);
    let base: CapturedGeneration | undefined;
    let twoWayReason: string | undefined = options.twoWay ? 'asked for with --twoWay' : undefined;
    if (!options.twoWay) {
      try {
        const sameLayers = (record.layers ?? []).every((l) => theirs.layers?.some((t) => t.path === l.path && t.hash === l.hash)) && (theirs.layers?.length ?? 0) === (record.layers?.length ?? 0);
        const api = record.version === slipwayVersion ? currentApi : await options.loadVersion(record.version);
        base = record.version === slipwayVersion && sameLayers ? theirs : await render(api, tree, key, record, projectRoot, true);
      } catch (error) {
        twoWayReason = `could not re-render @slipway/nx@${record.version}: ${(error as Error).message}`;
      }
    }
    const baseDir = record.base ?? projectRoot;
    const baseFiles = byPath(base?.files ?? []);
    const theirFiles = byPath(theirs.files);
    const labels = { ours: 'yours', base: `slipway ${record.version}`, theirs: `slipway ${slipwayVersion}` };
    const files: FileUpdate[] = [];
    const hashes: Record<string, string> = {};
    for (const path of [...new Set([...baseFiles.keys(), ...theirFiles.keys()])].sort()) {
      const target = joinPathFragments(baseDir, path);
      const ours = tree.read(target, 'utf-8');
      const next = theirFiles.get(path);
      const recordedHash = Object.hasOwn(record.files, path) ? record.files[path] : undefined;
      const decision = decide(ours, baseFiles.get(path), next, recordedHash, labels, base === undefined);
      if (decision.content !== ours) {
        if (decision.content === null) tree.delete(target);
        else tree.write(target, decision.content);
      }
      if (next && decision.outcome !== 'removed') hashes[path] = contentHash(next.content);
      files.push({ path: target, outcome: decision.outcome, before: ours, after: decision.content, ...(decision.reason ? { reason: decision.reason } : {}) });
    }
    writeGeneratorRecord(tree, projectRoot, key, {
      version: slipwayVersion,
      options: record.options,
      ...(record.base !== undefined ? { base: record.base } : {}),
      ...(theirs.layers && theirs.layers.length > 0 ? { layers: theirs.layers } : {}),
      files: hashes,
    });
    updates.push({ generator: key, fromVersion: record.version, files, ...(twoWayReason ? { twoWayReason } : {}) });
  }
  return updates;
}
