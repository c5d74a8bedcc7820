// Fills the workspace in the cwd with generated services in one process (much faster than one
// `nx g` each): new-mcp-service plus each given per-project generator, then writes them to disk.
// Input: {count, serviceOptions, layers}. Output: {ms, files, failed}.
import { createRequire } from 'node:module';
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';

const spec = JSON.parse(process.argv[2]);
const root = process.cwd();
const require = createRequire(join(root, 'package.json'));
const { FsTree, flushChanges } = require('nx/src/generators/tree');
const { updateFilesInContext } = require('nx/src/utils/workspace-context');
const collectionFile = require.resolve('@slipway/nx/generators.json');
const collection = JSON.parse(readFileSync(collectionFile, 'utf8'));

async function load(name) {
  const module = await import(pathToFileURL(join(dirname(collectionFile), collection.generators[name].factory)).href);
  return module.default;
}

const newService = await load('new-mcp-service');
const layers = await Promise.all(spec.layers.map(async (name) => [name, await load(name)]));
const failed = new Set();
const started = performance.now();
let files = 0;
for (let i = 1; i <= spec.count; i += 1) {
  // A fresh tree flushed after each service: devkit's getProjects scans every pending change, so one
  // tree holding all the services would make generation quadratic in the number of files.
  const tree = new FsTree(root, false);
  const name = `svc-${String(i).padStart(3, '0')}`;
  await newService(tree, { ...spec.serviceOptions, name, skipInstall: true });
  for (const [layer, generator] of layers) {
    try {
      await generator(tree, { project: name, skipInstall: true });
    } catch (error) {
      if (!failed.has(layer)) console.error(`${layer}: ${error.message.split('\n').slice(0, 3).join(' ')}`);
      failed.add(layer);
    }
  }
  const changes = tree.listChanges();
  flushChanges(root, changes);
  // Nx's workspace context lists the files once per process; tell it about these so the next
  // service sees this one (its port, its name), as a fresh `nx g` would.
  updateFilesInContext(
    root,
    changes.filter((c) => c.type !== 'DELETE').map((c) => c.path),
    changes.filter((c) => c.type === 'DELETE').map((c) => c.path),
  );
  files += changes.length;
}
process.stdout.write(`${JSON.stringify({ ms: performance.now() - started, files, failed: [...failed] })}\n`);
