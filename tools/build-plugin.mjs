// Builds @slipway/nx: compiles packages/nx/src and generators/ with tsc, then copies the data
// the compiled code reads at run time (generator schema.json files and the templates/ trees).
import { execFileSync } from 'node:child_process';
import { cpSync, readdirSync, rmSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const repo = join(dirname(fileURLToPath(import.meta.url)), '..');
const pkg = join(repo, 'packages/nx');
const dist = join(pkg, 'dist');

rmSync(dist, { recursive: true, force: true });
execFileSync(process.execPath, [join(repo, 'node_modules/typescript/bin/tsc'), '-p', join(pkg, 'tsconfig.lib.json')], {
  stdio: 'inherit',
});
for (const generator of readdirSync(join(repo, 'generators'), { withFileTypes: true }).filter((e) => e.isDirectory()).map((e) => e.name)) {
  cpSync(join(repo, 'generators', generator, 'schema.json'), join(dist, 'generators', generator, 'schema.json'));
}
cpSync(join(repo, 'templates'), join(dist, 'templates'), { recursive: true });
const executors = join(pkg, 'src/executors');
for (const executor of readdirSync(executors)) {
  cpSync(join(executors, executor, 'schema.json'), join(dist, 'packages/nx/src/executors', executor, 'schema.json'));
}
