import { logger, type Tree } from '@nx/devkit';
import { createTreeWithEmptyWorkspace } from '@nx/devkit/testing';
import { parse } from 'yaml';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { containerImages, imageReference } from '../../packages/nx/src/versions.js';
import { validateFiles } from '../../packages/validate/src/index.js';
import { treeFiles } from '../../packages/nx/src/testing-support.js';
import { generateService } from '../spec-support.js';
import generator from './generator.js';

const ROOT = 'services/orders';

describe('compose --monitoring: traces', () => {
  let tree: Tree;
  beforeEach(() => {
    tree = createTreeWithEmptyWorkspace();
    tree.write('package-lock.json', '{}\n');
    vi.spyOn(logger, 'warn').mockImplementation(() => undefined);
  });

  it('adds Jaeger (pinned by digest, UI on loopback) and points the service at it over OTLP/HTTP, and passes the validators', async () => {
    await generateService(tree, { database: 'postgres' });
    await generator(tree, { project: 'orders', monitoring: true });
    const overlay = parse(tree.read(`${ROOT}/compose.monitoring.yaml`, 'utf-8')!) as { services: Record<string, any> };
    expect(overlay.services['jaeger'].image).toBe(imageReference(containerImages.jaeger));
    expect(overlay.services['jaeger'].image).toMatch(/@sha256:[0-9a-f]{64}$/);
    expect(overlay.services['jaeger'].ports).toEqual(['127.0.0.1:${JAEGER_PORT:-16686}:16686']);
    expect(overlay.services['orders'].environment).toEqual({ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://jaeger:4318' });
    // Either stack's image: the dev build, or the pushed one (compose.prod.yaml's variable).
    expect(overlay.services['orders'].image).toBe('${ORDERS_IMAGE:-orders:dev}');
    const files = new Map([...treeFiles(tree)].filter(([p]) => p.startsWith(`${ROOT}/`)).map(([p, t]) => [p.slice(ROOT.length + 1), t]));
    expect(await validateFiles('compose', files)).toEqual([]);
  });

  it('moves the Jaeger UI port past a service already on 16686', async () => {
    await generateService(tree, { port: 16686 });
    await generator(tree, { project: 'orders', monitoring: true });
    const overlay = parse(tree.read(`${ROOT}/compose.monitoring.yaml`, 'utf-8')!) as { services: Record<string, any> };
    expect(overlay.services['jaeger'].ports).toEqual(['127.0.0.1:${JAEGER_PORT:-16687}:16686']);
  });
});
