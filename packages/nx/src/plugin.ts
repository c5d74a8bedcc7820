import { dirname } from 'node:path';
import type { CreateNodes } from '@nx/devkit';

/** Options of the `@slipway/nx/plugin` entry in nx.json. `layers` is read by the generators (see team-layers.ts). */
export interface SlipwayPluginOptions {
  readonly layers?: readonly string[];
  /** Name of the inferred drift-check target. */
  readonly checkTargetName?: string;
}

/** Every project with a .slipway-answers.json gets a `slipway-check` target: the drift check. */
export const createNodes: CreateNodes<SlipwayPluginOptions> = [
  '**/.slipway-answers.json',
  (files, options) =>
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
              },
            },
          },
        },
      ] as const;
    }),
];

/** The same, under the name Nx 20–23 look for. */
export const createNodesV2 = createNodes;
