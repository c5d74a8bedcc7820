// Builds @slipway/validate: compiles src/ with tsc, then copies the schemas the compiled validators
// read at run time (the generated strict Kubernetes schema and the vendored ARM and Azure Pipelines
// schemas, with their PROVENANCE.md) beside them, where schemas-dir.ts looks.
import { execFileSync } from 'node:child_process';
import { cpSync, rmSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const repo = join(dirname(fileURLToPath(import.meta.url)), '..');
const pkg = join(repo, 'packages/validate');
const dist = join(pkg, 'dist');

rmSync(dist, { recursive: true, force: true });
execFileSync(process.execPath, [join(repo, 'node_modules/typescript/bin/tsc'), '-p', join(pkg, 'tsconfig.lib.json')], { stdio: 'inherit' });
cpSync(join(pkg, 'src/schemas'), join(dist, 'schemas'), { recursive: true, filter: (path) => !path.endsWith('.ts') });
