import type { Tree } from '@nx/devkit';
import { readGeneratorRecord } from './answers.js';
import { runGenerator } from './generator-registry.js';
import { generatorKey, type GeneratorName } from './generator-table.js';

/**
 * Options of a deployment generator that other generators render from, read from the project's
 * answers record (deployment/project.ts): compose publishes the Dockerfile's port and probes its
 * health path, the pipelines test on its Node line, and both delivery generators run the azure
 * generator's migration job. generators/fuzz.spec.ts finds a reader missing here: the same runs
 * again would change its files.
 */
const optionReaders: Readonly<Partial<Record<GeneratorName, { readonly options: readonly string[]; readonly readers: readonly GeneratorName[] }>>> = {
  docker: { options: ['port', 'healthPath', 'nodeVersion'], readers: ['compose', 'github-actions', 'azure-pipelines'] },
  azure: { options: ['postgres'], readers: ['github-actions', 'azure-pipelines'] },
};

/**
 * After a run of `generator` that changed an option others read, renders those others again from
 * their own records, so no file keeps the earlier choice and running the same generators again
 * changes nothing. `before`: the generator's recorded options before the run.
 */
export async function renderReadersAgain(
  tree: Tree,
  generator: GeneratorName,
  projectRoot: string,
  before: Readonly<Record<string, unknown>> | undefined,
): Promise<void> {
  const shared = optionReaders[generator];
  if (!shared) return;
  const after = readGeneratorRecord(tree, projectRoot, generatorKey(generator))?.options ?? {};
  if (shared.options.every((option) => before?.[option] === after[option])) return;
  for (const reader of shared.readers) {
    const record = readGeneratorRecord(tree, projectRoot, generatorKey(reader));
    if (record) await runGenerator(tree, reader, { ...record.options });
  }
}
