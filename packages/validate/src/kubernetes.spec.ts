import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { argoRolloutsProblems, kubernetesValidator, validateDocument } from './kubernetes.js';
import { generateKubernetesSchema, strictSchemaPath } from './schemas/generate-kubernetes-schema.js';

const fixtures = join(dirname(fileURLToPath(import.meta.url)), '__fixtures__/kubernetes');

function listFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((entry) => {
    const full = join(dir, entry);
    return statSync(full).isDirectory() ? listFiles(full) : [full];
  });
}

/** The valid base plus the overlays (the last one broken), under deploy/k8s/ as the generator lays them out. */
function fixture(...overlays: string[]): Map<string, string> {
  const files = new Map<string, string>();
  for (const dir of ['base', ...overlays]) {
    for (const file of listFiles(join(fixtures, dir))) {
      files.set(`deploy/k8s/${relative(fixtures, file).split(sep).join('/')}`, readFileSync(file, 'utf8'));
    }
  }
  return files;
}

async function messages(...overlays: string[]): Promise<string[]> {
  return (await kubernetesValidator.validate(fixture(...overlays))).map((p) => `${p.file}: ${p.message}`);
}

describe('kubernetes validator', () => {
  it('passes the valid base fixture', async () => {
    expect(await kubernetesValidator.validate(fixture('base'))).toEqual([]);
  });

  it("catches a typo'd field with the strict schema", async () => {
    const found = await messages('typo-field');
    expect(found).toEqual(['deploy/k8s/typo-field: Deployment demo: strict schema: /spec/template/spec/containers/0: unknown field "imagePullPolicyy"']);
  });

  it('catches a wrong type with kubernetes-models and the strict schema', async () => {
    const found = await messages('wrong-type');
    expect(found).toContain('deploy/k8s/wrong-type: Deployment demo: kubernetes-models: /spec/replicas: must be integer');
    expect(found).toContain('deploy/k8s/wrong-type: Deployment demo: strict schema: /spec/replicas: must be number');
  });

  it('passes a valid Argo Rollout, AnalysisTemplate and PodMonitor', async () => {
    expect(await messages('progressive')).toEqual([]);
  });

  it("catches a typo'd field in a Rollout, an AnalysisTemplate and a PodMonitor", async () => {
    expect(await messages('progressive', 'crd-typo-field')).toEqual([
      'deploy/k8s/crd-typo-field: AnalysisTemplate demo-success-rate: strict schema: /spec/metrics/0/provider/prometheus: unknown field "adress"',
      'deploy/k8s/crd-typo-field: Rollout demo-canary: strict schema: /spec/strategy/canary: unknown field "maxSurgee"',
      'deploy/k8s/crd-typo-field: PodMonitor demo-canary: strict schema: /spec/podMetricsEndpoints/0: unknown field "intervall"',
    ]);
  });

  it('catches a wrong type or value in a Rollout, an AnalysisTemplate and a PodMonitor', async () => {
    expect(await messages('progressive', 'crd-wrong-type')).toEqual([
      // failureLimit is an int-or-string: the models name both branches.
      'deploy/k8s/crd-wrong-type: AnalysisTemplate demo-success-rate: kubernetes-models: /spec/metrics/0/failureLimit: must be string',
      'deploy/k8s/crd-wrong-type: AnalysisTemplate demo-success-rate: kubernetes-models: /spec/metrics/0/failureLimit: must be integer',
      'deploy/k8s/crd-wrong-type: AnalysisTemplate demo-success-rate: strict schema: /spec/metrics/0/failureLimit: must be string,number',
      'deploy/k8s/crd-wrong-type: Rollout demo-canary: kubernetes-models: /spec/strategy/canary/steps/0/setWeight: must be integer',
      'deploy/k8s/crd-wrong-type: Rollout demo-canary: strict schema: /spec/strategy/canary/steps/0/setWeight: must be number',
      'deploy/k8s/crd-wrong-type: PodMonitor demo-canary: kubernetes-models: /spec/podMetricsEndpoints/0/scheme: must be one of "http", "https", "HTTP", "HTTPS"',
      'deploy/k8s/crd-wrong-type: PodMonitor demo-canary: strict schema: /spec/podMetricsEndpoints/0/scheme: must be one of "http", "https", "HTTP", "HTTPS"',
    ]);
  });

  it("checks the one-of rules Argo Rollouts' API types leave out", () => {
    const rollout = {
      kind: 'Rollout',
      spec: { strategy: { canary: { steps: [{ setWeight: 20, pause: {} }, {}, { setWeight: 40 }] }, blueGreen: { activeService: 'a' } } },
    };
    expect(argoRolloutsProblems(rollout)).toEqual([
      'spec.strategy must set exactly one of canary, blueGreen',
      'spec.strategy.canary.steps[0] must hold exactly one action (setWeight, pause, analysis, ...)',
      'spec.strategy.canary.steps[1] must hold exactly one action (setWeight, pause, analysis, ...)',
    ]);
    expect(argoRolloutsProblems({ kind: 'Rollout', spec: {} })).toEqual(['spec.strategy must set exactly one of canary, blueGreen']);
    const template = {
      kind: 'AnalysisTemplate',
      spec: { metrics: [{ provider: { prometheus: { address: 'http://p:9090', query: '' }, web: {} } }, { provider: {} }] },
    };
    expect(argoRolloutsProblems(template)).toEqual([
      'spec.metrics[0].provider must set exactly one provider',
      'spec.metrics[0].provider.prometheus.query is required',
      'spec.metrics[1].provider must set exactly one provider',
    ]);
  });

  it('rejects kind: SecurityContext', async () => {
    expect(await messages('security-context-kind')).toEqual([
      'deploy/k8s/security-context-kind: SecurityContext demo-security-context: SecurityContext is not a Kubernetes kind; set securityContext in the pod spec and in each container instead',
    ]);
  });

  it('reports a resource the kustomization lists but that does not exist', async () => {
    const found = await messages('missing-resource');
    expect(found).toHaveLength(1);
    expect(found[0]).toMatch(/^deploy\/k8s\/missing-resource\/kustomization\.yaml: kubectl kustomize failed: .*service\.yaml/);
  });

  it("rejects a serving container that reads the database owner's Secret", async () => {
    expect(await messages('owner-secret-in-service')).toEqual([
      'deploy/k8s/owner-secret-in-service: Deployment demo: container demo: reads the database owner\'s Secret "demo-db-owner"; only the migration init container may, the service reads the serving login\'s Secret',
    ]);
  });

  it('accepts the owner Secret in an init container, and checks init containers are hardened', async () => {
    const secret = (name: string, key: string) => ({ name: key, valueFrom: { secretKeyRef: { name, key } } });
    const hardened = { readOnlyRootFilesystem: true, allowPrivilegeEscalation: false, capabilities: { drop: ['ALL'] } };
    const probe = { httpGet: { path: '/healthz', port: 3000 } };
    const deployment = (init: Record<string, unknown>, extraEnv: unknown[] = []) => ({
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name: 'a' },
      spec: {
        selector: { matchLabels: { app: 'a' } },
        template: {
          metadata: { labels: { app: 'a' } },
          spec: {
            securityContext: { runAsNonRoot: true },
            initContainers: [
              { name: 'migrate', image: 'a:1.0.0', env: [secret('a-db-owner', 'DATABASE_MIGRATION_URL'), secret('a-db-app', 'DATABASE_URL')], ...init },
            ],
            containers: [
              {
                name: 'a',
                image: 'a:1.0.0',
                securityContext: hardened,
                livenessProbe: probe,
                readinessProbe: probe,
                env: [secret('a-db-app', 'DATABASE_URL'), ...extraEnv],
              },
            ],
          },
        },
      },
    });
    expect(await validateDocument({ source: 'x', doc: deployment({ securityContext: hardened }) })).toEqual([]);
    const soft = (await validateDocument({ source: 'x', doc: deployment({}) })).map((p) => p.message);
    expect(soft).toContain('Deployment a: container migrate: securityContext.readOnlyRootFilesystem must be true');
    // Any Secret behind DATABASE_MIGRATION_URL is the owner's, whatever its name.
    const leaked = (
      await validateDocument({ source: 'x', doc: deployment({ securityContext: hardened }, [secret('a-db-owner', 'DATABASE_MIGRATION_URL')]) })
    ).map((p) => p.message);
    expect(leaked).toEqual([
      'Deployment a: container a: DATABASE_MIGRATION_URL (the database owner) belongs in the migration init container, not in a serving container',
      'Deployment a: container a: reads the database owner\'s Secret "a-db-owner"; only the migration init container may, the service reads the serving login\'s Secret',
    ]);
  });

  it('rejects an analysis that decides on constants', async () => {
    expect(await messages('constant-analysis')).toEqual([
      'deploy/k8s/constant-analysis: AnalysisTemplate demo-success-rate: metric success-rate decides without looking at the query result',
    ]);
  });

  it('rejects NetworkPolicy egress to any address: a rule with no `to`, or an ipBlock of everything', async () => {
    expect(await messages('open-egress')).toEqual([
      'deploy/k8s/open-egress: NetworkPolicy demo: egress[1] has no `to`, so it allows traffic to any address; name the peers (namespaceSelector/podSelector, or an ipBlock)',
      'deploy/k8s/open-egress: NetworkPolicy demo: egress[2]: ipBlock 0.0.0.0/0 is every address; allow only the networks the service needs',
    ]);
  });

  it('rejects a Service that exposes the ops port', async () => {
    expect(await messages('ops-service')).toEqual([
      'deploy/k8s/ops-service: Service demo: port ops exposes the ops port (/metrics, /readyz); Services carry the http port only, Prometheus scrapes the pods directly',
    ]);
  });

  it('rejects unknown kinds and apiVersions, and pods that break the policy', async () => {
    const unknown = await validateDocument({ source: 'x', doc: { apiVersion: 'apps/v1', kind: 'Deploymnet', metadata: { name: 'a' } } });
    expect(unknown.map((p) => p.message)).toEqual(['Deploymnet a: no schema knows apiVersion "apps/v1" kind "Deploymnet"; check both for typos']);
    const pod = {
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name: 'a' },
      spec: {
        selector: { matchLabels: { app: 'a' } },
        template: {
          metadata: { labels: { app: 'a' } },
          spec: { containers: [{ name: 'a', image: 'a:latest', env: [{ name: 'DB_PASSWORD', value: 'hunter2' }] }] },
        },
      },
    };
    const policy = (await validateDocument({ source: 'x', doc: pod })).map((p) => p.message);
    expect(policy).toEqual(
      expect.arrayContaining([
        'Deployment a: container a: securityContext.runAsNonRoot must be true',
        'Deployment a: container a: securityContext.readOnlyRootFilesystem must be true',
        'Deployment a: container a: image "a:latest" must carry a version tag or digest, not latest',
        'Deployment a: container a: livenessProbe is missing',
        'Deployment a: container a: env DB_PASSWORD looks like a secret; reference it with valueFrom.secretKeyRef instead of a literal value',
      ]),
    );
  });

  it('uses a committed strict schema that matches kubernetes-types', () => {
    // Regenerate with: npx tsx packages/validate/src/schemas/generate-kubernetes-schema.ts
    expect(readFileSync(strictSchemaPath, 'utf8')).toBe(generateKubernetesSchema());
  });
});
