import { AsyncLocalStorage } from 'node:async_hooks';
import type { Tree } from '@nx/devkit';
import { readGeneratorRecord, writeGeneratorRecord, type GeneratorRecord } from './answers.js';
import { formatRendered } from './format.js';
import { slipwayVersion } from './package-paths.js';
import { applyFiles, overlay, packagedLayer, reportKeptFiles, type ApplyResult, type RenderedFile } from './render.js';
import { teamLayers, teamTemplateSources } from './team-layers.js';

export interface LayerGeneration {
  /** Answers-record key, e.g. `@slipway/nx:docker`. */
  readonly generator: string;
  /** Template layer under templates/, or layers rendered bottom-up, later ones overriding by output path (a preset on the server layer). */
  readonly layer: string | readonly string[];
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

/** What a generator would write, captured instead of written (see captureRenders). */
export interface CapturedGeneration {
  readonly generator: string;
  readonly projectRoot: string;
  readonly base: string;
  readonly options: Readonly<Record<string, unknown>>;
  readonly files: readonly RenderedFile[];
  /** Team layers the render used. */
  readonly layers?: GeneratorRecord['layers'];
}

const captureSink = new AsyncLocalStorage<CapturedGeneration[]>();

/**
 * Runs generators so that every generateLayer call reports the files it would write instead of
 * writing them. This is how `update` and the drift check re-render a recorded generation, with
 * this version's templates or with an older installed @slipway/nx. Part of the package's API:
 * later versions load earlier ones and call it.
 */
export async function captureRenders(run: () => Promise<unknown>): Promise<CapturedGeneration[]> {
  const sink: CapturedGeneration[] = [];
  await captureSink.run(sink, run);
  return sink;
}

/**
 * The shared body of every Slipway generator: render a layer (formatted by the workspace's prettier,
 * format.ts), write it without clobbering the user's edits, report what was kept, and record what
 * was generated.
 */
export async function generateLayer(tree: Tree, generation: LayerGeneration): Promise<ApplyResult> {
  const base = generation.base ?? generation.projectRoot;
  const layers = typeof generation.layer === 'string' ? [generation.layer] : generation.layer;
  // The team's layers go on top of ours, file by file.
  const teams = teamLayers(tree);
  const stack = [...layers.map(packagedLayer), ...teamTemplateSources(tree, teams, layers)];
  const files = await formatRendered(tree, base, [...overlay(stack, generation.variables), ...(generation.extraFiles ?? [])]);
  const sink = captureSink.getStore();
  if (sink) {
    sink.push({ generator: generation.generator, projectRoot: generation.projectRoot, base, options: generation.options, files, layers: teams });
    return { hashes: {}, outcomes: files.map((f) => ({ path: f.path, outcome: 'created' as const })) };
  }
  const previous = readGeneratorRecord(tree, generation.projectRoot, generation.generator);
  const result = applyFiles(tree, base, files, previous);
  reportKeptFiles(base, result);
  writeGeneratorRecord(tree, generation.projectRoot, generation.generator, {
    version: slipwayVersion,
    options: generation.options,
    ...(base !== generation.projectRoot ? { base } : {}),
    ...(teams.length > 0 ? { layers: teams } : {}),
    files: result.hashes,
  });
  return result;
}

/** Whether a generation created or changed the named file (to decide on follow-up tasks such as npm install). */
export function wrote(result: ApplyResult, path: string): boolean {
  return result.outcomes.some((o) => o.path === path && (o.outcome === 'created' || o.outcome === 'updated'));
}
