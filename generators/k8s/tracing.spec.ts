import type { Tree } from '@nx/devkit';
import { createTreeWithEmptyWorkspace } from '@nx/devkit/testing';
import { beforeEach, describe, expect, it } from 'vitest';
import { validateFiles } from '../../packages/validate/src/index.js';
import { renderKustomizations } from '../../packages/validate/src/kubernetes.js';
import { treeFiles } from '../../packages/nx/src/testing-support.js';
import { generateService } from '../spec-support.js';
import generator from './generator.js';

const ROOT = 'services/orders';

function manifests(tree: Tree): Map<string, string> {
  return new Map([...treeFiles(tree)].filter(([p]) => p.startsWith(`${ROOT}/deploy/k8s/`)).map(([p, t]) => [p.slice(ROOT.length + 1), t]));
}

describe('k8s --otlpEndpoint (tracing)', () => {
  let tree: Tree;
  beforeEach(() => {
    tree = createTreeWithEmptyWorkspace();
  });

  it('passes the collector to the pods and lets them reach its port only, and passes the validators', async () => {
    await generateService(tree, { database: 'postgres' });
    await generator(tree, { project: 'orders', otlpEndpoint: 'http://otel-collector.observability.svc:4318/' });
    const files = manifests(tree);
    expect(await validateFiles('k8s', files)).toEqual([]);
    const { documents, problems } = await renderKustomizations(files);
    expect(problems).toEqual([]);
    const prod = documents.filter((d) => d.source === 'deploy/k8s/overlays/prod').map((d) => d.doc as Record<string, any>);
    const configMap = prod.find((d) => d['kind'] === 'ConfigMap')!;
    expect(configMap['data'].OTEL_EXPORTER_OTLP_ENDPOINT).toBe('http://otel-collector.observability.svc:4318');
    const policy = prod.find((d) => d['kind'] === 'NetworkPolicy')!;
    expect(policy['spec'].egress).toContainEqual({ to: [{ namespaceSelector: {} }], ports: [{ protocol: 'TCP', port: 4318 }] });
    const readme = tree.read(`${ROOT}/deploy/k8s/README.md`, 'utf-8')!;
    expect(readme).toContain('## Tracing');
    expect(readme).toContain('spans go to `http://otel-collector.observability.svc:4318/v1/traces`');
    expect(readme).toMatch(/never\s+tool arguments or SQL text/);
    expect(readme).toContain('`OTEL_TRACES_SAMPLER_ARG` (0 to 1, default 1)');
  });

  it('is off by default: no endpoint and no collector egress', async () => {
    await generateService(tree, { database: 'none' });
    await generator(tree, { project: 'orders' });
    const text = [...manifests(tree).values()].join('\n');
    expect(text).not.toContain('OTEL_EXPORTER_OTLP_ENDPOINT');
    expect(text).not.toContain('namespaceSelector: {}');
    expect(tree.read(`${ROOT}/deploy/k8s/README.md`, 'utf-8')).toContain('Off: generate with `--otlpEndpoint=');
  });

  it('refuses an endpoint with a path or another scheme, naming the option and writing nothing', async () => {
    await generateService(tree, { database: 'none' });
    const before = manifests(tree).size;
    await expect(generator(tree, { project: 'orders', otlpEndpoint: 'grpc://collector:4317' })).rejects.toThrow(
      /otlpEndpoint.*http\(s\) URL of the collector/s,
    );
    await expect(generator(tree, { project: 'orders', otlpEndpoint: 'http://collector:4318/v1/traces' })).rejects.toThrow(/otlpEndpoint/);
    expect(manifests(tree).size).toBe(before);
  });
});
