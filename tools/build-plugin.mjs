// Builds @slipway/nx: compiles packages/nx/src and generators/ with tsc, writes generators.json from
// the generator table, then copies the data the compiled code reads at run time (generator
// schema.json files and the templates/ trees).
import { execFileSync } from 'node:child_process';
import { cpSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const repo = join(dirname(fileURLToPath(import.meta.url)), '..');
const pkg = join(repo, 'packages/nx');
const dist = join(pkg, 'dist');

rmSync(dist, { recursive: true, force: true });
execFileSync(process.execPath, [join(repo, 'node_modules/typescript/bin/tsc'), '-p', join(pkg, 'tsconfig.lib.json')], {
  stdio: 'inherit',
});
// generators.json is derived from packages/nx/src/generator-table.ts (generator-table.spec.ts checks the committed copy).
const { generatorsManifest } = await import(pathToFileURL(join(dist, 'packages/nx/src/generator-table.js')).href);
const { version } = JSON.parse(readFileSync(join(pkg, 'package.json'), 'utf8'));
writeFileSync(join(pkg, 'generators.json'), `${JSON.stringify(generatorsManifest(version), null, 2)}\n`);
for (const generator of readdirSync(join(repo, 'generators'), { withFileTypes: true })
  .filter((e) => e.isDirectory())
  .map((e) => e.name)) {
  cpSync(join(repo, 'generators', generator, 'schema.json'), join(dist, 'generators', generator, 'schema.json'));
}
// templates/conformance is the conformance suite's fixtures, copied into a service by test/conformance.e2e.ts:
// test data, not something users generate.
const testOnlyTemplates = new Set([join(repo, 'templates/conformance')]);
cpSync(join(repo, 'templates'), join(dist, 'templates'), { recursive: true, filter: (source) => !testOnlyTemplates.has(source) });
const executors = join(pkg, 'src/executors');
for (const executor of readdirSync(executors)) {
  cpSync(join(executors, executor, 'schema.json'), join(dist, 'packages/nx/src/executors', executor, 'schema.json'));
}
