import { addProjectConfiguration, type Tree } from '@nx/devkit';
import { createTreeWithEmptyWorkspace } from '@nx/devkit/testing';
import { beforeEach, describe, expect, it } from 'vitest';
import { validateFiles } from '../../packages/validate/src/index.js';
import { renderKustomizations } from '../../packages/validate/src/kubernetes.js';
import { treeFiles } from '../../packages/nx/src/testing-support.js';
import { generateService } from '../spec-support.js';
import generator from './generator.js';

function manifests(tree: Tree, root: string): Map<string, string> {
  return new Map([...treeFiles(tree)].filter(([p]) => p.startsWith(`${root}/deploy/k8s/`)).map(([p, t]) => [p.slice(root.length + 1), t]));
}

async function podsOf(files: Map<string, string>, overlay: string) {
  const { documents, problems } = await renderKustomizations(files);
  expect(problems).toEqual([]);
  const workload = documents.find((d) => d.source === `deploy/k8s/overlays/${overlay}` && ['Deployment', 'Rollout'].includes(String(d.doc['kind'])));
  return (workload!.doc as Record<string, any>)['spec'].template.spec;
}

describe('k8s: REQUEST_STATE_KEYS for input-required rounds across replicas', () => {
  let tree: Tree;
  beforeEach(() => {
    tree = createTreeWithEmptyWorkspace();
  });

  it.each([
    ['postgres', 'none'],
    ['none', 'canary'],
  ] as const)('every pod reads the one Secret, required (database %s, %s), and the manifests pass the validators', async (database, progressiveDelivery) => {
    await generateService(tree, { database });
    await generator(tree, { project: 'orders', progressiveDelivery });
    const files = manifests(tree, 'services/orders');
    expect(await validateFiles('k8s', files)).toEqual([]);
    for (const overlay of ['dev', 'prod']) {
      const pod = await podsOf(files, overlay);
      const [container] = pod.containers;
      // Not optional: a pod without the keys would refuse the rounds other pods started.
      expect(container.envFrom).toContainEqual({ secretRef: { name: 'orders-request-state' } });
      // The migration never needs it.
      for (const init of pod.initContainers ?? []) expect(JSON.stringify(init)).not.toContain('request-state');
    }
    const literals = files.get('deploy/k8s/base/kustomization.yaml')!;
    expect(literals).not.toContain('REQUEST_STATE_KEYS');
  });

  it('tells how to create the Secret and rotate its keys without failing a round in flight', async () => {
    await generateService(tree, { database: 'none' });
    await generator(tree, { project: 'orders' });
    const readme = tree.read('services/orders/deploy/k8s/README.md', 'utf-8')!;
    expect(readme).toContain('kubectl -n orders-dev create secret generic orders-request-state --from-literal=REQUEST_STATE_KEYS="$(openssl rand -base64 48)"');
    expect(readme).toMatch(
      /1\. `REQUEST_STATE_KEYS=<old>,<new>`[^\n]*\n2\. `REQUEST_STATE_KEYS=<new>,<old>`[^\n]*\n3\. After 10 minutes[^\n]*`REQUEST_STATE_KEYS=<new>`/,
    );
    expect(readme).toContain('`kubectl -n <ns> rollout restart deployment/orders`');
  });

  it('leaves an adopted project (not on the Slipway runtime) without it', async () => {
    addProjectConfiguration(tree, 'legacy', { root: 'apps/legacy' });
    tree.write('apps/legacy/package.json', JSON.stringify({ name: 'legacy', scripts: { build: 'tsc', start: 'node dist/server.js' } }));
    await generator(tree, { project: 'legacy', port: 8080 });
    const files = manifests(tree, 'apps/legacy');
    expect(await validateFiles('k8s', files)).toEqual([]);
    expect((await podsOf(files, 'prod')).containers[0].envFrom).toEqual([{ configMapRef: { name: expect.stringMatching(/^legacy-config-/) } }]);
    expect(tree.read('apps/legacy/deploy/k8s/README.md', 'utf-8')).not.toContain('REQUEST_STATE_KEYS');
  });
});
