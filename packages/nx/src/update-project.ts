import { joinPathFragments, type ProjectConfiguration, type Tree } from '@nx/devkit';
import { answersFileName, readAnswers, writeGeneratorRecord } from './answers.js';
import { classify, OWNERSHIP_RULES, ownedPart, recordedFor, recordedHash } from './file-ownership.js';
import type { CapturedGeneration } from './generate-layer.js';
import { generatorsByKey } from './generator-registry.js';
import { slipwayVersion } from './package-paths.js';
import { projects } from './projects.js';
import { writeManagedFile, type RenderedFile } from './render.js';
import { currentApi, rerender as render } from './rerender.js';
import type { RenderingApiLoader } from './slipway-versions.js';
import { validateTeamLayers } from './team-layers.js';
import { mergeProjectTargets, mergeThreeWay, type MergeLabels } from './three-way-merge.js';
import { UntrustedFileError } from './untrusted.js';

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
}

/**
 * One file's fate, as the ownership rule (file-ownership.ts) decides it from the new render
 * (theirs), the recorded hash and the user's copy (ours); an edited file is merged over the
 * recorded render (base), or over nothing in a two-way update.
 */
function decide(
  ours: string | null,
  base: RenderedFile | undefined,
  theirs: RenderedFile | undefined,
  recorded: string | undefined,
  labels: MergeLabels,
): Decision {
  const template = theirs ?? base;
  if (!template) return { outcome: 'unchanged', content: ours };
  const rule = OWNERSHIP_RULES[classify({ template, stillRendered: theirs !== undefined, recorded, onDisk: ours })];
  const action = theirs ? rule.update : rule.updateDropped;
  if (action === 'remove') return { outcome: 'removed', content: null, reason: 'no longer generated' };
  if (action === 'keep') {
    // Update never writes a write-once file, so one that happens to match is reported as skipped too.
    const reason = rule.keptBecause ?? (template.writeOnce && ours !== null ? OWNERSHIP_RULES['write-once'].keptBecause : undefined);
    return { outcome: reason ? 'skipped' : 'unchanged', content: ours, ...(reason ? { reason } : {}) };
  }
  // Only a file this version renders is written or merged (see OWNERSHIP_RULES).
  if (!theirs) return { outcome: 'unchanged', content: ours };
  if (action === 'write' || ours === null) return { outcome: ours === null ? 'created' : 'updated', content: theirs.content };
  if (theirs.grain === 'targets') return mergedTargets(ours, base, theirs);
  const merged = mergeThreeWay(ours, base?.content ?? '', theirs.content, labels);
  if (merged.conflicts > 0) return { outcome: 'conflict', content: merged.content };
  return merged.content === ours
    ? { outcome: 'unchanged', content: ours, reason: 'your edits; nothing new from Slipway' }
    : { outcome: 'merged', content: merged.content };
}

/** A project.json is merged target by target: the targets you changed stay yours. */
function mergedTargets(ours: string, base: RenderedFile | undefined, theirs: RenderedFile): Decision {
  let merge: ReturnType<typeof mergeProjectTargets>;
  try {
    merge = mergeProjectTargets(ours, base?.content, theirs.content);
  } catch (error) {
    return { outcome: 'skipped', content: ours, reason: `not valid JSON (${(error as Error).message}): fix it, then update again` };
  }
  const { content, kept } = merge;
  const reason = kept.length > 0 ? `kept your ${kept.join(', ')} target(s)` : undefined;
  const outcome: UpdateOutcome = ownedPart(theirs, content) === ownedPart(theirs, ours) ? 'unchanged' : 'merged';
  return { outcome, content: outcome === 'unchanged' ? ours : content, ...(reason ? { reason } : {}) };
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
        const sameLayers =
          (record.layers ?? []).every((l) => theirs.layers?.some((t) => t.path === l.path && t.hash === l.hash)) &&
          (theirs.layers?.length ?? 0) === (record.layers?.length ?? 0);
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
      const decision = decide(ours, baseFiles.get(path), next, recordedFor(record.files, path), labels);
      writeManagedFile(tree, target, decision.content, next?.grain);
      if (next && decision.outcome !== 'removed') hashes[path] = recordedHash(next);
      files.push({
        path: target,
        outcome: decision.outcome,
        before: ours,
        after: tree.read(target, 'utf-8'),
        ...(decision.reason ? { reason: decision.reason } : {}),
      });
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

/** The workspace's projects that have an answers record, by name. */
export function managedProjects(tree: Tree): Array<[string, ProjectConfiguration]> {
  return [...projects(tree)].filter(([, project]) => tree.exists(joinPathFragments(project.root, answersFileName))).sort(([a], [b]) => a.localeCompare(b));
}

/**
 * Answers records and team layers are repository files that a pull request can change, and the
 * update turns them into paths, npm specs and imports. All of them are validated first, so that
 * a bad one refuses the whole update before anything is rendered, loaded, installed or written.
 */
export function refuseUntrustedInput(tree: Tree, roots: readonly string[], generator: string): void {
  const problems: string[] = [];
  const check = (read: () => unknown) => {
    try {
      read();
    } catch (error) {
      if (!(error instanceof UntrustedFileError)) throw error;
      problems.push(error.message);
    }
  };
  for (const root of roots) check(() => readAnswers(tree, root));
  check(() => validateTeamLayers(tree));
  if (problems.length > 0) throw new UntrustedFileError(`${generator} refused; nothing was written.\n${problems.join('\n')}`);
}
