import type { Tree } from '@nx/devkit';
import { readGeneratorRecord, writeGeneratorRecord } from './answers.js';
import { slipwayVersion } from './package-paths.js';
import { applyFiles, renderLayer, reportKeptFiles, type ApplyResult, type RenderedFile } from './render.js';

export interface LayerGeneration {
  /** Answers-record key, e.g. `@slipway/nx:docker`. */
  readonly generator: string;
  /** Template layer under templates/. */
  readonly layer: string;
  /** The project whose answers record holds this generation. */
  readonly projectRoot: string;
  /** Where the files go, relative to the workspace root (default: the project root). */
  readonly base?: string;
  /** Template variables: every decision already made in TypeScript. */
  readonly variables: Readonly<Record<string, unknown>>;
  /** Normalized options to record (enough to render the same files again). */
  readonly options: Readonly<Record<string, unknown>>;
  /** Files computed in TypeScript rather than templated (package.json, project.json). */
  readonly extraFiles?: readonly RenderedFile[];
}

/**
 * The shared body of every Slipway generator: render a layer, write it without clobbering the
 * user's edits, report what was kept, and record what was generated.
 */
export function generateLayer(tree: Tree, generation: LayerGeneration): ApplyResult {
  const base = generation.base ?? generation.projectRoot;
  const files = [...renderLayer(generation.layer, generation.variables), ...(generation.extraFiles ?? [])];
  const previous = readGeneratorRecord(tree, generation.projectRoot, generation.generator);
  const result = applyFiles(tree, base, files, previous);
  reportKeptFiles(base, result);
  writeGeneratorRecord(tree, generation.projectRoot, generation.generator, {
    version: slipwayVersion,
    options: generation.options,
    ...(base !== generation.projectRoot ? { base } : {}),
    files: result.hashes,
  });
  return result;
}

/** Whether a generation created or changed the named file (to decide on follow-up tasks such as npm install). */
export function wrote(result: ApplyResult, path: string): boolean {
  return result.outcomes.some((o) => o.path === path && (o.outcome === 'created' || o.outcome === 'updated'));
}
