import type { Tree } from '@nx/devkit';
// The plugin's one validating parser of the answers record (untrusted input: paths stay inside the workspace).
import { readAnswers } from '@slipway/nx/answers';
import { layerOfGenerator } from '@slipway/nx/generator-table';
import { validateFiles, type SkippedCheck, type ValidationContext, type ValidationProblem } from './index.js';

/** The template layer whose validators check each generator's output: @slipway/nx's generator table says. */
export { layerOfGenerator };

export interface GenerationCheck {
  readonly generator: string;
  readonly files: number;
  readonly problems: readonly ValidationProblem[];
}

export interface RecordedGeneration {
  readonly generator: string;
  readonly layer: string;
  /** Where the record's paths are relative to, from the workspace root ('' for the root). */
  readonly base: string;
  /** The managed files as they are now, by record path; files the owner deleted are left out. */
  readonly files: ReadonlyMap<string, string>;
}

/** The generations recorded for a project that have validators, with their managed files' current text. */
export function recordedGenerations(tree: Tree, projectRoot: string): RecordedGeneration[] {
  return Object.entries(readAnswers(tree, projectRoot)?.records ?? {})
    .sort(([a], [b]) => a.localeCompare(b))
    .flatMap(([generator, record]) => {
      const layer = layerOfGenerator[generator];
      if (!layer) return [];
      const base = record.base ?? projectRoot;
      const files = new Map(
        Object.keys(record.files).flatMap((path) => {
          const text = tree.read(base ? `${base}/${path}` : path, 'utf-8');
          return text === null ? [] : [[path, text] as const];
        }),
      );
      return [{ generator, layer, base, files }];
    });
}

/**
 * Runs the validators of each generation recorded for a project on the files as they are now:
 * what Slipway generated, with the owners' edits.
 */
export async function validateRecordedGenerations(tree: Tree, projectRoot: string, context?: ValidationContext): Promise<GenerationCheck[]> {
  const checks: GenerationCheck[] = [];
  for (const { generator, layer, files } of recordedGenerations(tree, projectRoot)) {
    checks.push({ generator, files: files.size, problems: await validateFiles(layer, files, context) });
  }
  return checks;
}

export type { SkippedCheck };
