import type { Tree } from '@nx/devkit';

export type GeneratorFunction = (tree: Tree, options: Record<string, unknown>) => Promise<unknown>;

/**
 * Every generator whose output Slipway manages, by answers-record key. `update`, the drift check
 * and later versions of this package use it to re-render a recorded generation.
 */
export const generatorsByKey: Readonly<Record<string, () => Promise<GeneratorFunction>>> = {
  '@slipway/nx:new-mcp-service': async () => (await import('../../../generators/new-mcp-service/generator.js')).default as GeneratorFunction,
  '@slipway/nx:docker': async () => (await import('../../../generators/docker/generator.js')).default as GeneratorFunction,
  '@slipway/nx:compose': async () => (await import('../../../generators/compose/generator.js')).default as GeneratorFunction,
  '@slipway/nx:k8s': async () => (await import('../../../generators/k8s/generator.js')).default as GeneratorFunction,
  '@slipway/nx:azure': async () => (await import('../../../generators/azure/generator.js')).default as GeneratorFunction,
  '@slipway/nx:github-actions': async () => (await import('../../../generators/github-actions/generator.js')).default as GeneratorFunction,
  '@slipway/nx:azure-pipelines': async () => (await import('../../../generators/azure-pipelines/generator.js')).default as GeneratorFunction,
};
