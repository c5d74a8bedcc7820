import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { validatorsByLayer } from '../../validate/src/index.js';
import { layerOfGenerator as validatedLayers } from '../../validate/src/recorded.js';
import { isKnownGenerator } from './answers.js';
import { generatorsByKey, loadGenerator } from './generator-registry.js';
import { defaultDeployTargetNames, deployTargetNames, generatorKey, generatorsManifest, generatorTable } from './generator-table.js';
import * as packageExports from './index.js';
import { packageRoot, slipwayVersion } from './package-paths.js';

const repoRoot = join(packageRoot, '../..');
const camelCase = (name: string) => name.replace(/-([a-z])/g, (_, letter: string) => letter.toUpperCase());

// What can't be derived from the table at run time is derived from it here, or compared with it.
describe('the generator table is the one list of generators', () => {
  it('generators.json is the table, as the build writes it (npm run build after changing the table)', () => {
    const text = readFileSync(join(packageRoot, 'generators.json'), 'utf8');
    expect(text).toBe(`${JSON.stringify(generatorsManifest(slipwayVersion), null, 2)}\n`);
  });

  it('has a row for each folder under generators/, each with its generator, zod schema and schema.json', () => {
    const folders = readdirSync(join(repoRoot, 'generators'), { withFileTypes: true })
      .filter((e) => e.isDirectory())
      .map((e) => e.name);
    expect(generatorTable.map((row) => row.name).sort()).toEqual(folders.sort());
    for (const { name } of generatorTable) {
      for (const file of ['generator.ts', 'schema.ts', 'schema.json'])
        expect(existsSync(join(repoRoot, 'generators', name, file)), `${name}/${file}`).toBe(true);
    }
  });

  it('the package exports each generator as <camelCase>Generator, and no other', async () => {
    const exported = Object.keys(packageExports).filter((key) => key.endsWith('Generator'));
    expect(exported.sort()).toEqual(generatorTable.map((row) => `${camelCase(row.name)}Generator`).sort());
    for (const { name } of generatorTable) {
      expect((packageExports as Record<string, unknown>)[`${camelCase(name)}Generator`], name).toBe(await loadGenerator(name));
    }
  });

  it('@slipway/validate checks the layer the table names for each generator that records files, and has validators for it', () => {
    const recordsFiles = generatorTable.filter((row) => row.records === 'files').map((row) => generatorKey(row.name));
    expect(Object.keys(validatedLayers).sort()).toEqual(recordsFiles.sort());
    for (const layer of Object.values(validatedLayers)) expect(validatorsByLayer[layer]?.length, layer).toBeGreaterThan(0);
  });

  it('answers records are accepted for exactly the generators that record something', () => {
    for (const { name, records } of generatorTable) expect(isKnownGenerator(generatorKey(name)), name).toBe(records !== 'nothing');
    expect(Object.keys(generatorsByKey)).toHaveLength(generatorTable.filter((row) => row.records === 'files').length);
  });

  it('--deploy offers the deployment generators in table order, docker and compose by default', () => {
    expect(deployTargetNames).toEqual(['docker', 'compose', 'k8s', 'azure', 'github-actions', 'azure-pipelines']);
    expect(defaultDeployTargetNames).toEqual(['docker', 'compose']);
  });
});
