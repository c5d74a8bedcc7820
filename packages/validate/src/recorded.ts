import type { Tree } from '@nx/devkit';
import { readAnswers } from '../../packages/nx/src/answers.js';
import { validateFiles, type ValidationProblem } from './index.js';

/** The template layer whose validators check each generator's output. */
export const layerOfGenerator: Readonly<Record<string, string>> = {
  '@slipway/nx:new-mcp-service': 'server',
  '@slipway/nx:docker': 'docker',
  '@slipway/nx:compose': 'compose',
  '@slipway/nx:k8s': 'k8s',
  '@slipway/nx:azure': 'azure',
  '@slipway/nx:github-actions': 'github',
  '@slipway/nx:azure-pipelines': 'azure-pipelines',
};

export interface GenerationCheck {
  readonly generator: string;
  readonly files: number;
  readonly problems: readonly ValidationProblem[];
}

/**
 * Runs the validators of each generation recorded for a project on the files as they are now:
 * what Slipway generated, with the owners' edits.
 */
export async function validateRecordedGenerations(tree: Tree, projectRoot: string): Promise<GenerationCheck[]> {
  const checks: GenerationCheck[] = [];
  for (const [generator, record] of Object.entries(readAnswers(tree, projectRoot)?.records ?? {}).sort(([a], [b]) => a.localeCompare(b))) {
    const layer = layerOfGenerator[generator];
    if (!layer) continue;
    const base = record.base ?? projectRoot;
    const files = new Map(
      Object.keys(record.files).flatMap((path) => {
        const text = tree.read(base ? `${base}/${path}` : path, 'utf-8');
        return text === null ? [] : [[path, text] as const];
      }),
    );
    checks.push({ generator, files: files.size, problems: await validateFiles(layer, files) });
  }
  return checks;
}
