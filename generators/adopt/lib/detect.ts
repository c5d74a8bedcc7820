import { joinPathFragments, readJson, visitNotIgnoredFiles, type Tree } from '@nx/devkit';

export interface Detected {
  readonly kind: 'dockerfile' | 'compose' | 'github-workflow' | 'kubernetes' | 'azure-bicep' | 'azure-pipelines';
  readonly path: string;
}

interface ProjectPackage {
  scripts?: Record<string, string>;
  dependencies?: Record<string, string>;
  devDependencies?: Record<string, string>;
}

export interface ProjectFacts {
  readonly detected: readonly Detected[];
  readonly packageJson: ProjectPackage | undefined;
  /** Source text of the project's own code, for a few greps (health endpoints). */
  readonly sources: string;
}

const COMPOSE = /(^|\/)(docker-)?compose(\.[\w-]+)?\.ya?ml$/;
const K8S = /^\s*apiVersion:\s*\S+\s*$[\s\S]*^\s*kind:\s*\w+/m;

/** What a project already has, found in the project folder and in the workspace's CI definitions. */
export function detect(tree: Tree, projectName: string, root: string): ProjectFacts {
  const detected: Detected[] = [];
  let sources = '';
  visitNotIgnoredFiles(tree, root, (path) => {
    if (/(^|\/)(node_modules|dist)\//.test(path)) return;
    const name = path.split('/').pop()!;
    if (/^Dockerfile(\..+)?$/.test(name)) detected.push({ kind: 'dockerfile', path });
    else if (COMPOSE.test(path)) detected.push({ kind: 'compose', path });
    else if (name.endsWith('.bicep')) detected.push({ kind: 'azure-bicep', path });
    else if (/^azure-pipelines.*\.ya?ml$/.test(name)) detected.push({ kind: 'azure-pipelines', path });
    else if (/\.ya?ml$/.test(name) && K8S.test(tree.read(path, 'utf-8') ?? '')) detected.push({ kind: 'kubernetes', path });
    else if (/\.(ts|js|mjs|cjs)$/.test(name) && !/\.(test|spec)\./.test(name)) sources += tree.read(path, 'utf-8') ?? '';
  });
  const workflows = '.github/workflows';
  for (const name of tree.exists(workflows) ? tree.children(workflows) : []) {
    const path = `${workflows}/${name}`;
    const text = tree.read(path, 'utf-8') ?? '';
    if (/\.ya?ml$/.test(name) && (text.includes(root) || new RegExp(`\\b${projectName}\\b`).test(text))) {
      detected.push({ kind: 'github-workflow', path });
    }
  }
  const pkgPath = joinPathFragments(root, 'package.json');
  return { detected, packageJson: tree.exists(pkgPath) ? readJson<ProjectPackage>(tree, pkgPath) : undefined, sources };
}
