// `npm run validate -- <workspace> [project ...]`: checks a workspace's Slipway-managed files with
// the same validators the tests use (workflow parser, compose schema, kubectl kustomize + strict
// Kubernetes schemas, Bicep + ARM schemas, Azure Pipelines schema, Dockerfile policy, shellcheck,
// yamllint, tsc). Exits 1 when any file has a problem.
import { createRequire } from 'node:module';
import { resolve } from 'node:path';
import { getProjects, type Tree } from '@nx/devkit';
import { answersFileName } from '../packages/nx/src/answers.js';
import { validateRecordedGenerations } from './validators/recorded.js';

const require = createRequire(import.meta.url);
const { FsTree } = require('nx/src/devkit-internals') as { FsTree: new (root: string, verbose: boolean) => Tree };

const [workspaceArg, ...only] = process.argv.slice(2);
if (!workspaceArg) {
  console.error('usage: npm run validate -- <workspace folder> [project ...]');
  process.exit(2);
}
const tree = new FsTree(resolve(workspaceArg), false);
let failed = false;
for (const [name, project] of getProjects(tree)) {
  if ((only.length > 0 && !only.includes(name)) || !tree.exists(`${project.root}/${answersFileName}`)) continue;
  for (const check of await validateRecordedGenerations(tree, project.root)) {
    console.log(`${check.problems.length === 0 ? 'ok  ' : 'FAIL'} ${name} · ${check.generator} (${check.files} files)`);
    for (const problem of check.problems) console.log(`       ${problem.file}: ${problem.message}`);
    failed ||= check.problems.length > 0;
  }
}
process.exit(failed ? 1 : 0);
