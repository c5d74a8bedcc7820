// Times one generator function inside a process, on Nx's FsTree over the workspace in the cwd,
// without Nx's CLI start-up, project graph or writing to disk. Run with the workspace as cwd.
// Input: {collection, generator, options, iterations}. Output: {loadMs, runsMs, files}.
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
const entry = collection.generators[spec.generator];
const [factoryPath, exportName] = entry.factory.split('#');
const factoryFile = join(dirname(collectionFile), factoryPath.endsWith('.js') ? factoryPath : `${factoryPath}.js`);
const module = await import(pathToFileURL(factoryFile).href);
const generator = exportName ? (module[exportName] ?? module.default?.[exportName]) : (module.default?.default ?? module.default);
const schema = JSON.parse(readFileSync(join(dirname(collectionFile), entry.schema), 'utf8'));
const loadMs = performance.now() - loadStarted;

// Schema defaults, as `nx g` applies them before calling the generator.
const options = { ...spec.options };
for (const [name, property] of Object.entries(schema.properties ?? {})) {
  if (options[name] === undefined && property.default !== undefined) options[name] = property.default;
}

const runsMs = [];
let files = 0;
for (let i = 0; i < spec.iterations; i += 1) {
  const tree = new FsTree(root, false);
  const started = performance.now();
  await generator(tree, { ...options });
  runsMs.push(performance.now() - started);
  files = tree.listChanges().length;
}
process.stdout.write(`${JSON.stringify({ loadMs, runsMs, files })}\n`);
