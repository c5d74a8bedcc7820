import { readJson, type Tree } from '@nx/devkit';
import { createTreeWithEmptyWorkspace } from '@nx/devkit/testing';
import { beforeEach, describe, expect, it } from 'vitest';
import { answersFileName } from '../../packages/nx/src/answers.js';
import { checklist } from './lib/checklist.js';
import { detect } from './lib/detect.js';
import adopt from './generator.js';

function legacyProject(tree: Tree): Map<string, string> {
  const files = new Map([
    ['apps/legacy/project.json', JSON.stringify({ name: 'legacy', root: 'apps/legacy' })],
    [
      'apps/legacy/package.json',
      JSON.stringify({ name: 'legacy', scripts: { build: 'tsc', start: 'node dist/index.js' }, dependencies: { '@modelcontextprotocol/sdk': '1.17.0' } }),
    ],
    [
      'apps/legacy/Dockerfile',
      'FROM node:20\nWORKDIR /app\nCOPY . .\nRUN npm ci\nHEALTHCHECK CMD curl -f http://localhost/ || exit 1\nCMD ["node", "dist/index.js"]\n',
    ],
    ['apps/legacy/docker-compose.yml', "version: '3.8'\nservices:\n  api:\n    build: .\n"],
    ['apps/legacy/k8s/deployment.yaml', 'apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: legacy\n'],
    ['apps/legacy/src/index.ts', "app.get('/health', ok);\n"],
    [
      '.github/workflows/legacy.yml',
      'on: push\njobs:\n  b:\n    runs-on: ubuntu-latest\n    steps:\n      - run: npm test --workspace apps/legacy\n      - uses: actions/upload-artifact@v3\n',
    ],
    ['.github/workflows/other.yml', 'on: push\njobs:\n  b:\n    runs-on: ubuntu-latest\n    steps:\n      - run: echo other\n'],
  ]);
  for (const [path, text] of files) tree.write(path, text);
  return files;
}

describe('adopt', () => {
  let tree: Tree;
  let files: Map<string, string>;

  beforeEach(() => {
    tree = createTreeWithEmptyWorkspace();
    files = legacyProject(tree);
  });

  it('detects the Dockerfile, compose, Kubernetes and the workflow that builds the project', () => {
    const found = detect(tree, 'legacy', 'apps/legacy')
      .detected.map((d) => `${d.kind}:${d.path}`)
      .sort();
    expect(found).toEqual([
      'compose:apps/legacy/docker-compose.yml',
      'dockerfile:apps/legacy/Dockerfile',
      'github-workflow:.github/workflows/legacy.yml',
      'kubernetes:apps/legacy/k8s/deployment.yaml',
    ]);
  });

  it('records the adoption and changes none of the project’s files', async () => {
    await adopt(tree, { project: 'legacy' });
    for (const [path, text] of files) expect(tree.read(path, 'utf-8'), path).toBe(text);
    const answers = readJson(tree, `apps/legacy/${answersFileName}`);
    expect(answers.records['@slipway/nx:adopt'].options.detected).toContain('dockerfile:apps/legacy/Dockerfile');
  });

  it('lists the gaps with the command that closes each', () => {
    const items = checklist(tree, 'legacy', detect(tree, 'legacy', 'apps/legacy'));
    const open = items.filter((i) => !i.ok).map((i) => i.text);
    expect(open).toEqual(
      expect.arrayContaining([
        'uses the MCP SDK v2 (not @modelcontextprotocol/sdk v1)',
        'serves liveness (/healthz) and readiness (/readyz) endpoints',
        'Dockerfile pins its base image by digest',
        'Dockerfile runs as a non-root user',
        'Dockerfile has a HEALTHCHECK that needs no curl',
        'compose files have no obsolete version: key',
        'workflows use no retired actions',
        'Kubernetes pods set a securityContext',
      ]),
    );
    expect(items.find((i) => i.text.startsWith('package.json has'))?.ok).toBe(true);
  });

  it('fails on an unknown project, writing nothing', async () => {
    await expect(adopt(tree, { project: 'nope' })).rejects.toThrow(/--project: there is no project named "nope"/);
    expect(tree.exists(`apps/nope/${answersFileName}`)).toBe(false);
  });
});
