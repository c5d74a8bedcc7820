// Times generator functions inside one process, on Nx's FsTree over the workspace in the cwd,
// without Nx's CLI start-up, project graph or writing to disk. Run with the workspace as cwd.
// Input: {collection, steps: [{generator, options}], iterations}; the steps run in order on one tree.
// Output: {loadMs, runsMs, files}.
import { createRequire } from 'node:module';
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';

const spec = JSON.parse(process.argv[2]);
const root = process.cwd();
const require = createRequire(join(root, 'package.json'));

const loadStarted = performance.now();
const { FsTree } = require('nx/src/generators/tree');
const collectionFile = require.resolve(`${spec.collection}/generators.json`);
const collection = JSON.parse(readFileSync(collectionFile, 'utf8'));

async function load(step) {
  const entry = collection.generators[step.generator];
  const [factoryPath, exportName] = entry.factory.split('#');
  const file = join(dirname(collectionFile), factoryPath.endsWith('.js') ? factoryPath : `${factoryPath}.js`);
  const module = await import(pathToFileURL(file).href);
  const generator = exportName ? (module[exportName] ?? module.default?.[exportName]) : (module.default?.default ?? module.default);
  // Schema defaults, as `nx g` applies them before calling the generator.
  const schema = JSON.parse(readFileSync(join(dirname(collectionFile), entry.schema), 'utf8'));
  const options = { ...step.options };
  for (const [name, property] of Object.entries(schema.properties ?? {})) {
    if (options[name] === undefined && property.default !== undefined) options[name] = property.default;
  }
  return { generator, options };
}

const steps = [];
for (const step of spec.steps) steps.push(await load(step));
const loadMs = performance.now() - loadStarted;

const runsMs = [];
let files = 0;
for (let i = 0; i < spec.iterations; i += 1) {
  const tree = new FsTree(root, false);
  const started = performance.now();
  for (const { generator, options } of steps) await generator(tree, { ...options });
  runsMs.push(performance.now() - started);
  files = tree.listChanges().length;
}
process.stdout.write(`${JSON.stringify({ loadMs, runsMs, files })}\n`);
