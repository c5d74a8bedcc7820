import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { CreateNodes, TargetConfiguration } from '@nx/devkit';
import { parseAnswers } from './answers.js';

/** Options of the `@slipway/nx/plugin` entry in nx.json. `layers` is read by the generators (see team-layers.ts). */
export interface SlipwayPluginOptions {
  readonly layers?: readonly string[];
  /** Name of the inferred drift-check target. */
  readonly checkTargetName?: string;
  /** Name of the inferred validators target (@slipway/validate). */
  readonly validateTargetName?: string;
}

/**
 * The managed files a project owns outside its root (workflows, pipelines at the workspace root), as
 * Nx inputs, so that `nx affected -t validate` reruns when one changes. A record that does not parse
 * adds none: slipway-validate reports it when it runs.
 */
export function ownedWorkspaceInputs(workspaceRoot: string, answersFile: string): string[] {
  const projectRoot = dirname(answersFile);
  try {
    const answers = parseAnswers(readFileSync(join(workspaceRoot, answersFile), 'utf8'), answersFile);
    const inputs = Object.values(answers.records).flatMap((record) => {
      const base = record.base ?? projectRoot;
      if (base === projectRoot || base.startsWith(`${projectRoot}/`)) return [];
      return Object.keys(record.files).map((path) => `{workspaceRoot}/${base ? `${base}/${path}` : path}`);
    });
    return [...new Set(inputs)].sort();
  } catch {
    return [];
  }
}

/** `slipway-validate . <project>`: the project's managed artifacts through the real validators. */
export function validateTarget(workspaceRoot: string, answersFile: string): TargetConfiguration {
  return {
    executor: 'nx:run-commands',
    cache: true,
    inputs: ['{projectRoot}/**/*', ...ownedWorkspaceInputs(workspaceRoot, answersFile), { externalDependencies: ['@slipway/validate'] }],
    outputs: [],
    options: { command: 'slipway-validate . {projectName}', cwd: '{workspaceRoot}' },
    // CI (`-c ci`): a check whose system tool is missing fails instead of being listed as skipped.
    configurations: { ci: { command: 'slipway-validate . {projectName} --require-tools' } },
    metadata: { description: 'Check the managed artifacts (Dockerfile, compose, k8s, Bicep, workflows, pipelines) with @slipway/validate' },
  };
}

/** Every project with a .slipway-answers.json gets `slipway-check` (the drift check) and `validate`. */
export const createNodes: CreateNodes<SlipwayPluginOptions> = [
  '**/.slipway-answers.json',
  (files, options, context) =>
    files.map((file) => {
      const root = dirname(file);
      return [
        file,
        {
          projects: {
            [root]: {
              targets: {
                [options?.checkTargetName ?? 'slipway-check']: {
                  executor: '@slipway/nx:check',
                  cache: false,
                  options: {},
                  metadata: { description: 'Report drift from the Slipway templates and whether an update is available' },
                },
                [options?.validateTargetName ?? 'validate']: validateTarget(context.workspaceRoot, file),
              },
            },
          },
        },
      ] as const;
    }),
];

/** The same, under the name Nx 20–23 look for. */
export const createNodesV2 = createNodes;
