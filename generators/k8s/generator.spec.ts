import { addProjectConfiguration, readJson, type Tree } from '@nx/devkit';
import { createTreeWithEmptyWorkspace } from '@nx/devkit/testing';
import { parseAllDocuments } from 'yaml';
import { beforeEach, describe, expect, it } from 'vitest';
import { answersFileName, type AnswersFile } from '../../packages/nx/src/answers.js';
import { validateFiles } from '../../packages/validate/src/index.js';
import { kubernetesValidator, renderKustomizations } from '../../packages/validate/src/kubernetes.js';
import generator from './generator.js';
import type { K8sSchema } from './schema.js';
import { treeFiles as snapshotTree } from '../../packages/nx/src/testing-support.js';
import { generateService } from '../spec-support.js';
import { renderLayer } from '../../packages/nx/src/render.js';
import { imageTagOf, normalizeOptions } from './lib/normalize-options.js';
import { templateVariables } from './lib/template-variables.js';
import { k8sSchema } from './schema.js';

const DIR = 'deploy/k8s';

/** The generated manifests, by path relative to the project root. */
function manifests(tree: Tree, root: string): Map<string, string> {
  return new Map([...snapshotTree(tree)].filter(([p]) => p.startsWith(`${root}/${DIR}/`)).map(([p, t]) => [p.slice(root.length + 1), t]));
}

const service = generateService;

async function rendered(tree: Tree, root: string, overlay: string): Promise<Array<Record<string, any>>> {
  const files = manifests(tree, root);
  const { documents, problems } = await renderKustomizations(files);
  expect(problems).toEqual([]);
  return documents.filter((d) => d.source === `${DIR}/overlays/${overlay}`).map((d) => d.doc as Record<string, any>);
}

const byKind = (docs: Array<Record<string, any>>, kind: string) => docs.find((d) => d['kind'] === kind)!;

describe('k8s', () => {
  let tree: Tree;

  beforeEach(() => {
    tree = createTreeWithEmptyWorkspace();
  });

  it('writes a kustomize base and three overlays that pass the Kubernetes validator', async () => {
    await service(tree, { database: 'postgres' });
    await generator(tree, { project: 'orders' });
    const files = manifests(tree, 'services/orders');
    expect([...files.keys()].sort()).toEqual(
      [
        'README.md',
        'base/hpa.yaml',
        'base/kustomization.yaml',
        'base/networkpolicy.yaml',
        'base/pdb.yaml',
        'base/pod-monitor.yaml',
        'base/prometheus-rule.yaml',
        'base/service.yaml',
        'base/serviceaccount.yaml',
        'base/workload.yaml',
        'overlays/dev/kustomization.yaml',
        'overlays/prod/kustomization.yaml',
        'overlays/staging/kustomization.yaml',
      ].map((f) => `${DIR}/${f}`),
    );
    // Every validator registered for the k8s layer: kustomize + kubernetes-models + strict schema, and yamllint.
    expect(await validateFiles('k8s', files)).toEqual([]);
    for (const text of files.values()) expect(text).not.toMatch(/kind:\s*SecurityContext/);
  });

  it('renders a hardened pod: security contexts, probes, secrets by reference, drain time', async () => {
    await service(tree, { database: 'postgres' });
    await generator(tree, { project: 'orders' });
    const prod = await rendered(tree, 'services/orders', 'prod');
    const deployment = byKind(prod, 'Deployment');
    expect(deployment.metadata.namespace).toBe('orders-prod');
    const pod = deployment.spec.template.spec;
    expect(pod.securityContext).toMatchObject({
      runAsNonRoot: true,
      runAsUser: 1000,
      runAsGroup: 1000,
      fsGroup: 1000,
      seccompProfile: { type: 'RuntimeDefault' },
    });
    const [container] = pod.containers;
    expect(container.securityContext).toMatchObject({ readOnlyRootFilesystem: true, allowPrivilegeEscalation: false, capabilities: { drop: ['ALL'] } });
    expect(container.livenessProbe.httpGet.path).toBe('/healthz');
    expect(container.readinessProbe.httpGet.path).toBe('/readyz');
    expect(container.startupProbe.httpGet.path).toBe('/healthz');
    expect(container.env).toEqual([{ name: 'DATABASE_URL', valueFrom: { secretKeyRef: { name: 'orders-db-app', key: 'DATABASE_URL' } } }]);
    expect(pod.volumes).toContainEqual({ name: 'tmp', emptyDir: { sizeLimit: '64Mi' } });
    expect(pod.terminationGracePeriodSeconds).toBeGreaterThan(10 + 5);
    expect(container.resources.limits).toEqual({ cpu: '1', memory: '512Mi' });
    expect(container.image).toBe('registry.example.com/orders:0.1.0');
    expect(prod.some((d) => d['kind'] === 'Secret')).toBe(false);
    // The ConfigMap name is hashed, and the Deployment follows it.
    const configMap = byKind(prod, 'ConfigMap');
    expect(container.envFrom[0].configMapRef.name).toBe(configMap.metadata.name);
    expect(configMap.data).toMatchObject({ PORT: '3000', HOST: '0.0.0.0', LOG_LEVEL: 'info' });
    expect(configMap.data.ALLOWED_HOSTS.split(',')).toEqual(
      expect.arrayContaining(['orders', 'orders.orders-prod', 'orders.orders-prod.svc', 'orders.orders-prod.svc.cluster.local']),
    );
    expect(byKind(prod, 'ServiceAccount').automountServiceAccountToken).toBe(false);
  });

  it('migrates in an init container with the owner Secret; the service reads only the serving login', async () => {
    await service(tree, { database: 'postgres' });
    await generator(tree, { project: 'orders' });
    const pod = byKind(await rendered(tree, 'services/orders', 'prod'), 'Deployment').spec.template.spec;
    const [migrate] = pod.initContainers;
    expect(pod.initContainers).toHaveLength(1);
    expect(migrate.name).toBe('migrate');
    // The overlay's image tag reaches the init container too: both run the same release.
    expect(migrate.image).toBe(pod.containers[0].image);
    expect(migrate.args).toEqual(['node', 'dist/migrate.js']);
    expect(migrate.command).toBeUndefined();
    expect(migrate.env).toEqual([
      { name: 'DATABASE_MIGRATION_URL', valueFrom: { secretKeyRef: { name: 'orders-db-owner', key: 'DATABASE_MIGRATION_URL' } } },
      { name: 'DATABASE_URL', valueFrom: { secretKeyRef: { name: 'orders-db-app', key: 'DATABASE_URL' } } },
    ]);
    expect(migrate.securityContext).toMatchObject({
      runAsNonRoot: true,
      readOnlyRootFilesystem: true,
      allowPrivilegeEscalation: false,
      capabilities: { drop: ['ALL'] },
    });
    expect(JSON.stringify(pod.containers)).not.toContain('orders-db-owner');
    const readme = tree.read('services/orders/deploy/k8s/README.md', 'utf-8')!;
    expect(readme).toContain('`orders-db-owner` | `DATABASE_MIGRATION_URL`');
    expect(readme).toContain('`orders-db-app` | `DATABASE_URL`');
  });

  it('overlays patch replicas, resources, autoscaling bounds and namespace', async () => {
    await service(tree);
    await generator(tree, { project: 'orders', replicas: 4, namespace: 'shop' });
    const dev = await rendered(tree, 'services/orders', 'dev');
    const prod = await rendered(tree, 'services/orders', 'prod');
    expect(byKind(dev, 'Deployment').spec.replicas).toBe(1);
    expect(byKind(dev, 'HorizontalPodAutoscaler').spec).toMatchObject({ minReplicas: 1, maxReplicas: 2 });
    expect(byKind(dev, 'Deployment').metadata.namespace).toBe('shop-dev');
    expect(byKind(dev, 'ConfigMap').data.LOG_LEVEL).toBe('debug');
    expect(byKind(prod, 'HorizontalPodAutoscaler').spec).toMatchObject({ minReplicas: 4, maxReplicas: 12 });
    const hpa = byKind(prod, 'HorizontalPodAutoscaler');
    expect(hpa.apiVersion).toBe('autoscaling/v2');
    expect(hpa.spec.metrics.map((m: any) => m.resource.name)).toEqual(['cpu', 'memory']);
  });

  it('limits the network: in from the ingress namespace (http) and Prometheus (ops), out to DNS and the database only', async () => {
    await service(tree, { database: 'pglite' });
    await generator(tree, { project: 'orders', ingressNamespace: 'traefik' });
    const policy = byKind(await rendered(tree, 'services/orders', 'staging'), 'NetworkPolicy');
    expect(policy.spec.ingress).toEqual([
      { from: [{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'traefik' } } }], ports: [{ protocol: 'TCP', port: 'http' }] },
      { from: [{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'monitoring' } } }], ports: [{ protocol: 'TCP', port: 'ops' }] },
    ]);
    expect(policy.spec.egress).toEqual([
      {
        to: [{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'kube-system' } }, podSelector: { matchLabels: { 'k8s-app': 'kube-dns' } } }],
        ports: [
          { protocol: 'UDP', port: 53 },
          { protocol: 'TCP', port: 53 },
        ],
      },
      { to: [{ podSelector: { matchLabels: { 'app.kubernetes.io/name': 'postgresql' } } }], ports: [{ protocol: 'TCP', port: 5432 }] },
    ]);
    expect(tree.read('services/orders/deploy/k8s/overlays/prod/kustomization.yaml', 'utf-8')).toContain('path: /spec/egress/-');
  });

  it('--databaseCidr and --egressCidrs: the database and HTTPS destinations by network, recorded for update', async () => {
    await service(tree, { database: 'postgres' });
    await generator(tree, { project: 'orders', databaseCidr: '10.40.2.0/24', egressCidrs: '203.0.113.0/24, 198.51.100.7/32' });
    const policy = byKind(await rendered(tree, 'services/orders', 'prod'), 'NetworkPolicy');
    expect(policy.spec.egress.slice(1)).toEqual([
      { to: [{ ipBlock: { cidr: '10.40.2.0/24' } }], ports: [{ protocol: 'TCP', port: 5432 }] },
      { to: [{ ipBlock: { cidr: '203.0.113.0/24' } }, { ipBlock: { cidr: '198.51.100.7/32' } }], ports: [{ protocol: 'TCP', port: 443 }] },
    ]);
    expect(readJson<AnswersFile>(tree, `services/orders/${answersFileName}`).records['@slipway/nx:k8s']?.options).toMatchObject({
      databaseCidr: '10.40.2.0/24',
      egressCidrs: ['203.0.113.0/24', '198.51.100.7/32'],
    });
    expect(await kubernetesValidator.validate(manifests(tree, 'services/orders'))).toEqual([]);
  });

  it('serves /metrics and /readyz on the ops port (OPS_PORT): readiness and scraping there, no Service exposes it', async () => {
    await service(tree, { database: 'postgres' });
    await generator(tree, { project: 'orders', progressiveDelivery: 'blue-green' });
    const prod = await rendered(tree, 'services/orders', 'prod');
    const rollout = byKind(prod, 'Rollout');
    const container = rollout.spec.template.spec.containers[0];
    expect(container.ports).toEqual([
      { name: 'http', containerPort: 3000, protocol: 'TCP' },
      { name: 'ops', containerPort: 9464, protocol: 'TCP' },
    ]);
    expect(container.readinessProbe.httpGet).toEqual({ path: '/readyz', port: 'ops' });
    expect(container.livenessProbe.httpGet).toEqual({ path: '/healthz', port: 'http' });
    expect(rollout.spec.template.metadata.annotations).toMatchObject({ 'prometheus.io/port': '9464', 'prometheus.io/path': '/metrics' });
    expect(byKind(prod, 'ConfigMap').data).toMatchObject({ PORT: '3000', OPS_PORT: '9464' });
    expect(byKind(prod, 'PodMonitor').spec.podMetricsEndpoints[0]).toMatchObject({ port: 'ops', path: '/metrics' });
    for (const svc of prod.filter((d) => d['kind'] === 'Service'))
      expect(svc.spec.ports).toEqual([{ name: 'http', port: 80, targetPort: 'http', protocol: 'TCP' }]);
  });

  it('database none: no DATABASE_URL and no database egress', async () => {
    await service(tree, { database: 'none' });
    await generator(tree, { project: 'orders' });
    const docs = await rendered(tree, 'services/orders', 'dev');
    expect(byKind(docs, 'Deployment').spec.template.spec.containers[0].env).toBeUndefined();
    expect(byKind(docs, 'Deployment').spec.template.spec.initContainers).toBeUndefined();
    expect(JSON.stringify(byKind(docs, 'NetworkPolicy'))).not.toContain('5432');
  });

  it.each(['canary', 'blue-green'] as const)('%s: an Argo Rollout gated on a Prometheus query, valid for the validator', async (strategy) => {
    await service(tree, { database: 'postgres' });
    await generator(tree, { project: 'orders', progressiveDelivery: strategy });
    const files = manifests(tree, 'services/orders');
    expect(await validateFiles('k8s', files)).toEqual([]);
    const prod = await rendered(tree, 'services/orders', 'prod');
    expect(prod.some((d) => d['kind'] === 'Deployment')).toBe(false);
    const rollout = byKind(prod, 'Rollout');
    expect(rollout.spec.replicas).toBe(3);
    expect(rollout.spec.template.spec.containers[0].envFrom[0].configMapRef.name).toBe(byKind(prod, 'ConfigMap').metadata.name);
    expect(byKind(prod, 'HorizontalPodAutoscaler').spec.scaleTargetRef).toEqual({ apiVersion: 'argoproj.io/v1alpha1', kind: 'Rollout', name: 'orders' });
    const template = byKind(prod, 'AnalysisTemplate');
    // The gate decides on tool outcomes and latency, not only on HTTP status: a failing tool answers 200.
    const metrics = Object.fromEntries(template.spec.metrics.map((m: { name: string }) => [m.name, m]));
    expect(Object.keys(metrics)).toEqual(['tool-error-ratio', 'tool-latency-p99-vs-stable', 'http-success-rate']);
    expect(metrics['tool-error-ratio'].provider.prometheus.query).toContain(
      'mcp_tool_calls_total{namespace="{{args.namespace}}", rollouts_pod_template_hash="{{args.pod-template-hash}}", outcome="error"}',
    );
    expect(metrics['tool-error-ratio'].failureCondition).toBe('len(result) > 0 && result[0] > 0.05');
    expect(metrics['tool-latency-p99-vs-stable'].provider.prometheus.query).toContain('rollouts_pod_template_hash="{{args.stable-pod-template-hash}}"');
    expect(metrics['http-success-rate'].provider.prometheus.query).toContain('status!~"5.."');
    expect(metrics['http-success-rate'].successCondition).toBe('len(result) > 0 && result[0] >= 0.99');
    expect(byKind(prod, 'PodMonitor').spec.podTargetLabels).toEqual(['rollouts-pod-template-hash']);
    const analysis = strategy === 'canary' ? rollout.spec.strategy.canary.analysis : rollout.spec.strategy.blueGreen.postPromotionAnalysis;
    expect(analysis.args.map((a: { name: string; valueFrom: unknown }) => [a.name, a.valueFrom])).toEqual([
      ['pod-template-hash', { podTemplateHashValue: 'Latest' }],
      ['stable-pod-template-hash', { podTemplateHashValue: 'Stable' }],
      ['namespace', { fieldRef: { fieldPath: 'metadata.namespace' } }],
    ]);
    if (strategy === 'canary') {
      expect(rollout.spec.strategy.canary.analysis.templates).toEqual([{ templateName: 'orders-release-gate' }]);
    } else {
      expect(rollout.spec.strategy.blueGreen).toMatchObject({ activeService: 'orders', previewService: 'orders-preview' });
      expect(prod.filter((d) => d['kind'] === 'Service').map((s) => s.metadata.name)).toEqual(['orders', 'orders-preview']);
      expect(byKind(prod, 'ConfigMap').data.ALLOWED_HOSTS).toContain('orders-preview.orders-prod.svc');
    }
  });

  it('--gate* options set the release gate thresholds', async () => {
    await service(tree);
    await generator(tree, {
      project: 'orders',
      progressiveDelivery: 'canary',
      gateMaxToolErrorRatio: '0.01',
      gateMaxLatencyRatio: 2,
      gateLatencyFloorSeconds: 0.1,
      gateMinHttpSuccessRate: 0.995,
    });
    const template = byKind(await rendered(tree, 'services/orders', 'prod'), 'AnalysisTemplate');
    const metric = (name: string) => template.spec.metrics.find((m: { name: string }) => m.name === name);
    expect(metric('tool-error-ratio').successCondition).toBe('len(result) > 0 && result[0] <= 0.01');
    expect(metric('tool-latency-p99-vs-stable').failureCondition).toBe('len(result) > 0 && result[0] > 2');
    expect(metric('tool-latency-p99-vs-stable').provider.prometheus.query).toMatch(/, 0\.1\)\n$/);
    expect(metric('http-success-rate').failureCondition).toBe('len(result) > 0 && result[0] < 0.995');
    expect(readJson<AnswersFile>(tree, `services/orders/${answersFileName}`).records['@slipway/nx:k8s']?.options).toMatchObject({
      gateMaxToolErrorRatio: 0.01,
      gateMaxLatencyRatio: 2,
    });
  });

  it('scrapes every workload (PodMonitor, job named after the app) and alerts on its SLOs (PrometheusRule), per namespace', async () => {
    await service(tree);
    await generator(tree, { project: 'orders', sloAvailability: 0.995, sloToolSuccess: 0.98, sloLatencyP99Seconds: 2, alertEventLoopLagSeconds: 0.5 });
    const prod = await rendered(tree, 'services/orders', 'prod');
    const monitor = byKind(prod, 'PodMonitor');
    expect(monitor.metadata.namespace).toBe('orders-prod');
    expect(monitor.spec).toMatchObject({ jobLabel: 'app.kubernetes.io/name', selector: { matchLabels: { 'app.kubernetes.io/name': 'orders' } } });
    expect(monitor.spec.podTargetLabels).toBeUndefined();
    const rule = byKind(prod, 'PrometheusRule');
    expect(rule.metadata).toMatchObject({ name: 'orders-slo', namespace: 'orders-prod' });
    const rules = rule.spec.groups[0].rules as Array<{ alert: string; expr: string; labels: { severity: string } }>;
    expect(rules.map((r) => r.alert)).toEqual([
      'McpAvailabilityBudgetBurnFast',
      'McpAvailabilityBudgetBurnSlow',
      'McpToolErrorsBudgetBurnFast',
      'McpToolErrorsBudgetBurnSlow',
      'McpToolLatencyP99High',
      'McpReadinessFlapping',
      'McpEventLoopLagHigh',
    ]);
    const expr = (alert: string) => rules.find((r) => r.alert === alert)!.expr;
    // Burn rates 14.4 and 6 of a 0.5% budget, over 1h/5m and 6h/30m, per namespace and job.
    expect(expr('McpAvailabilityBudgetBurnFast')).toContain('[1h]))) > 0.072 and');
    expect(expr('McpAvailabilityBudgetBurnFast')).toContain('[30m]))) > 0.03)');
    expect(expr('McpToolErrorsBudgetBurnSlow')).toContain(
      '((sum by (namespace, job) (rate(mcp_tool_calls_total{job="orders", outcome="error"}[3d])) or sum by (namespace, job) (rate(mcp_tool_calls_total{job="orders"}[3d])) * 0) / sum by (namespace, job) (rate(mcp_tool_calls_total{job="orders"}[3d]))) > 0.02',
    );
    expect(expr('McpToolLatencyP99High')).toMatch(/mcp_tool_call_duration_seconds_bucket\{job="orders"\}.* > 2$/);
    expect(expr('McpEventLoopLagHigh')).toBe('max by (namespace, job, pod) (avg_over_time(nodejs_eventloop_lag_p99_seconds{job="orders"}[5m])) > 0.5');
    expect(rules.filter((r) => r.labels.severity === 'critical').map((r) => r.alert)).toEqual(['McpAvailabilityBudgetBurnFast', 'McpToolErrorsBudgetBurnFast']);
    // promtool and the metric-name check are in the k8s layer's validators.
    expect(await validateFiles('k8s', manifests(tree, 'services/orders'))).toEqual([]);
  });

  it('the k8s validators catch an edited alert that reads a metric the service does not export', async () => {
    await service(tree);
    await generator(tree, { project: 'orders' });
    const files = manifests(tree, 'services/orders');
    const path = `${DIR}/base/prometheus-rule.yaml`;
    files.set(path, files.get(path)!.replace('avg_over_time(nodejs_eventloop_lag_p99_seconds', 'avg_over_time(nodejs_eventloop_lag_p999_seconds'));
    expect(await validateFiles('k8s', files)).toEqual([
      {
        file: path,
        message: expect.stringMatching(
          /alert McpEventLoopLagHigh: unknown metric "nodejs_eventloop_lag_p999_seconds".*did you mean "nodejs_eventloop_lag_p99_seconds"/,
        ),
      },
    ]);
  });

  it('adopts a plain Node project with build and start scripts', async () => {
    addProjectConfiguration(tree, 'legacy', { root: 'apps/legacy' });
    tree.write('apps/legacy/package.json', JSON.stringify({ name: 'legacy', version: '2.3.4', scripts: { build: 'tsc', start: 'node dist/server.js' } }));
    await generator(tree, { project: 'legacy', port: 8080, image: 'myregistry.azurecr.io/legacy' });
    const files = manifests(tree, 'apps/legacy');
    expect(await kubernetesValidator.validate(files)).toEqual([]);
    // Not on the Slipway runtime: none of the metrics the SLO alerts read, so no PodMonitor and no PrometheusRule.
    expect([...files.keys()].filter((f) => /pod-monitor|prometheus-rule/.test(f))).toEqual([]);
    const docs = await rendered(tree, 'apps/legacy', 'prod');
    const container = byKind(docs, 'Deployment').spec.template.spec.containers[0];
    expect(container.ports[0].containerPort).toBe(8080);
    expect(container.image).toBe('myregistry.azurecr.io/legacy:2.3.4');
    // Adopted projects without a /readyz get the health path for readiness, on their one port (no OPS_PORT).
    expect(container.readinessProbe.httpGet).toEqual({ path: '/healthz', port: 'http' });
    expect(container.ports).toHaveLength(1);
    expect(byKind(docs, 'ConfigMap').data.OPS_PORT).toBeUndefined();
    expect(container.env).toBeUndefined();
    expect(readJson<AnswersFile>(tree, `apps/legacy/${answersFileName}`).records['@slipway/nx:k8s']?.options).toMatchObject({ port: 8080, database: 'none' });
  });

  it('keeps a manifest that already exists and reports the conflict', async () => {
    await service(tree);
    tree.write(`services/orders/${DIR}/base/service.yaml`, 'apiVersion: v1\nkind: Service\nmetadata:\n  name: mine\n');
    const warnings: string[] = [];
    const { logger } = await import('@nx/devkit');
    const original = logger.warn;
    logger.warn = (message: string) => void warnings.push(message);
    try {
      await generator(tree, { project: 'orders' });
    } finally {
      logger.warn = original;
    }
    expect(tree.read(`services/orders/${DIR}/base/service.yaml`, 'utf-8')).toBe('apiVersion: v1\nkind: Service\nmetadata:\n  name: mine\n');
    expect(warnings.join('\n')).toMatch(/CONFLICT services\/orders\/deploy\/k8s\/base\/service\.yaml: it already exists/);
    expect(tree.exists(`services/orders/${DIR}/base/workload.yaml`)).toBe(true);
  });

  it('changes nothing, byte for byte, when re-run', async () => {
    await service(tree);
    await generator(tree, { project: 'orders', progressiveDelivery: 'canary' });
    const first = snapshotTree(tree);
    await generator(tree, { project: 'orders', progressiveDelivery: 'canary' });
    expect(snapshotTree(tree)).toEqual(first);
  });

  it('re-renders the same files from its recorded options (what update does)', async () => {
    await service(tree, { database: 'postgres' });
    await generator(tree, { project: 'orders', progressiveDelivery: 'blue-green', image: 'ghcr.io/acme/orders' });
    const first = snapshotTree(tree);
    const recorded = readJson<AnswersFile>(tree, `services/orders/${answersFileName}`).records['@slipway/nx:k8s']!.options;
    await generator(tree, recorded as never);
    expect(snapshotTree(tree)).toEqual(first);
  });

  describe('bad options fail, naming the option, and write nothing', () => {
    it.each<[Partial<K8sSchema>, RegExp]>([
      [{ project: 'nope' }, /--project: there is no project named "nope"/],
      [{ progressiveDelivery: 'linear' as never }, /--progressiveDelivery: must be one of none, canary, blue-green/],
      [{ namespace: 'Shop_NS' }, /--namespace: must be a Kubernetes namespace name/],
      ...['1', '1e5', '0x1f', 'true', 'no', 'null'].map((ns): [Partial<K8sSchema>, RegExp] => [
        { namespace: ns },
        /--namespace: must not be a word YAML reads as a boolean, null or number/,
      ]),
      [{ monitoringNamespace: '123' }, /--monitoringNamespace: must not be a word YAML reads/],
      [{ image: 'myregistry.azurecr.io/orders:1.0' }, /--image: must not carry a tag or digest/],
      [{ image: 'My Registry/orders' }, /--image: must be an image repository/],
      [{ replicas: 0 }, /--replicas: must be at least 1/],
      [{ ingressNamespace: 'Ingress' }, /--ingressNamespace: must be a Kubernetes namespace name/],
      [{ prometheusUrl: 'prometheus:9090' }, /--prometheusUrl: must be an http\(s\) URL/],
      [{ databaseCidr: '10.40.2.0' }, /--databaseCidr: must be a CIDR block, e.g. 10.40.2.0\/24/],
      [{ databaseCidr: '0.0.0.0/0' }, /--databaseCidr: must not be \/0 \(every address\)/],
      [{ egressCidrs: '203.0.113.0/24,idp.example.com' }, /--egressCidrs: "idp.example.com" is not a CIDR block/],
      [{ egressCidrs: '::/0' }, /--egressCidrs: "::\/0" is every address/],
      [{ gateMaxToolErrorRatio: 5 }, /--gateMaxToolErrorRatio: must be more than 0 and less than 1, e.g. 0.05/],
      [{ gateMaxLatencyRatio: 0.5 }, /--gateMaxLatencyRatio: must be at least 1/],
      [{ sloAvailability: '99.9' }, /--sloAvailability: must be more than 0 and less than 1, e.g. 0.999/],
      [{ sloLatencyP99Seconds: 'fast' }, /--sloLatencyP99Seconds: must be a number of seconds/],
    ])('%j', async (extra, message) => {
      await service(tree);
      const before = snapshotTree(tree);
      await expect(generator(tree, { project: 'orders', ...extra })).rejects.toThrow(message);
      await expect(generator(tree, { project: 'orders', ...extra })).rejects.toThrow(/nothing was written/);
      expect(snapshotTree(tree)).toEqual(before);
    });

    it('refuses a stdio-only service', async () => {
      await service(tree, { transport: 'stdio' });
      await expect(generator(tree, { project: 'orders' })).rejects.toThrow(/--project: orders serves MCP over stdio only/);
    });
  });

  it('writes YAML that parses as documents with a header line', async () => {
    await service(tree);
    await generator(tree, { project: 'orders' });
    for (const [path, text] of manifests(tree, 'services/orders')) {
      if (!path.endsWith('.yaml')) continue;
      expect(text.split('\n')[0], path).toMatch(/^# Generated by Slipway \(@slipway\/nx:k8s\)/);
      expect(
        parseAllDocuments(text).every((d) => d.errors.length === 0),
        path,
      ).toBe(true);
    }
  });
  describe('values reach the manifests as they were given (raw render, YAML-safe scalars)', () => {
    it('--prometheusUrl with a query string: the AnalysisTemplate gets it unescaped', async () => {
      const url = 'http://prom:9090/p?x=1&y=2';
      await service(tree, { database: 'postgres' });
      await generator(tree, { project: 'orders', progressiveDelivery: 'canary', prometheusUrl: url });
      const template = byKind(await rendered(tree, 'services/orders', 'prod'), 'AnalysisTemplate');
      expect(template.spec.metrics[0].provider.prometheus.address).toBe(url);
      expect(await validateFiles('k8s', manifests(tree, 'services/orders'))).toEqual([]);
    });

    it('--image 1234: the image stays a string in the base and every overlay', async () => {
      await service(tree, { database: 'postgres' });
      await generator(tree, { project: 'orders', image: '1234' });
      const files = manifests(tree, 'services/orders');
      for (const env of ['dev', 'staging', 'prod']) {
        const overlay = parseAllDocuments(files.get(`${DIR}/overlays/${env}/kustomization.yaml`)!)[0]!.toJS();
        expect(overlay.images).toEqual([{ name: '1234', newTag: '0.1.0' }]);
        const pod = byKind(await rendered(tree, 'services/orders', env), 'Deployment').spec.template.spec;
        expect(pod.containers[0].image).toBe('1234:0.1.0');
        expect(pod.initContainers[0].image).toBe('1234:0.1.0');
      }
      expect(await validateFiles('k8s', files)).toEqual([]);
    });

    /** Renders the layer from options the schema would refuse, to show the templates themselves keep them strings. */
    function renderRaw(extra: Record<string, string>): Map<string, string> {
      const parsed = { ...k8sSchema.parse({ project: 'orders', progressiveDelivery: 'blue-green' }), ...extra };
      const { options, target } = normalizeOptions(tree, parsed);
      return new Map(renderLayer('k8s', templateVariables(options, target, imageTagOf(tree, target))).map((f) => [f.path, f.content]));
    }

    it.each(['1e5', 'true', '0x1f', 'null', 'yes', '1234'])('namespaces and image %s come out as strings', async (value) => {
      await service(tree, { database: 'postgres' });
      const files = renderRaw({ namespace: value, ingressNamespace: value, monitoringNamespace: value, image: value });
      const doc = (path: string, index = 0) => parseAllDocuments(files.get(path)!)[index]!.toJS({});
      const policy = doc(`${DIR}/base/networkpolicy.yaml`);
      expect(policy.spec.ingress.map((rule: any) => rule.from[0].namespaceSelector.matchLabels['kubernetes.io/metadata.name'])).toEqual([value, value]);
      expect(doc(`${DIR}/base/workload.yaml`).spec.template.spec.containers[0].image).toBe(`${value}:0.1.0`);
      expect(doc(`${DIR}/overlays/prod/kustomization.yaml`).images[0].name).toBe(value);
      expect(doc(`${DIR}/overlays/prod/kustomization.yaml`).namespace).toBe(`${value}-prod`);
      expect(doc(`${DIR}/base/analysis-template.yaml`).spec.metrics[0].provider.prometheus.address).toBe(`http://prometheus-operated.${value}.svc:9090`);
      // YAML 1.1 readers (kustomize's) too.
      for (const [path, text] of files)
        if (path.endsWith('.yaml'))
          expect(
            parseAllDocuments(text, { version: '1.1' }).every((d) => d.errors.length === 0),
            path,
          ).toBe(true);
      expect(
        parseAllDocuments(files.get(`${DIR}/base/networkpolicy.yaml`)!, { version: '1.1' })[0]!.toJS().spec.ingress[1].from[0].namespaceSelector.matchLabels[
          'kubernetes.io/metadata.name'
        ],
      ).toBe(value);
    });
  });
});
