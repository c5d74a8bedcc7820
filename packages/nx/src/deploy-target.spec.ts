import { createTreeWithEmptyWorkspace } from '@nx/devkit/testing';
import { describe, expect, it } from 'vitest';
import { resolveDeployTarget } from './deploy-target.js';

function project(tree: ReturnType<typeof createTreeWithEmptyWorkspace>, root: string, start = 'node dist/main.js'): void {
  const name = root.split('/').pop()!;
  tree.write(`${root}/project.json`, JSON.stringify({ name, root }));
  tree.write(`${root}/package.json`, JSON.stringify({ name, scripts: { build: 'tsc', start } }));
}

describe('resolveDeployTarget', () => {
  it('treats a project as a workspace member only when the root workspaces globs list it', () => {
    const tree = createTreeWithEmptyWorkspace();
    tree.write('package.json', JSON.stringify({ name: 'ws', workspaces: ['services/*', 'libs/**'] }));
    project(tree, 'services/orders');
    project(tree, 'libs/deep/api');
    project(tree, 'apps/legacy');
    expect(resolveDeployTarget(tree, 'docker', 'orders')).toMatchObject({ inWorkspace: true, lockfile: 'package-lock.json' });
    expect(resolveDeployTarget(tree, 'docker', 'api').inWorkspace).toBe(true);
    expect(resolveDeployTarget(tree, 'docker', 'legacy')).toMatchObject({
      inWorkspace: false,
      lockfile: 'apps/legacy/package-lock.json',
      managed: false,
      port: 3000,
    });
  });

  it('explains what an adopted project lacks', () => {
    const tree = createTreeWithEmptyWorkspace();
    project(tree, 'apps/shell', 'npm run build && node dist/main.js');
    expect(() => resolveDeployTarget(tree, 'docker', 'shell')).toThrow(/--project: the "start" script of shell .* needs a shell/);
    expect(() => resolveDeployTarget(tree, 'docker', 'missing')).toThrow(/--project: there is no project named "missing"/);
  });
});
