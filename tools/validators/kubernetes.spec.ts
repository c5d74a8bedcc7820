import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { kubernetesValidator, validateDocument } from './kubernetes.js';
import { generateKubernetesSchema, strictSchemaPath } from './schemas/generate-kubernetes-schema.js';

const fixtures = join(dirname(fileURLToPath(import.meta.url)), '__fixtures__/kubernetes');

function listFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((entry) => {
    const full = join(dir, entry);
    return statSync(full).isDirectory() ? listFiles(full) : [full];
  });
}

/** The valid base plus one broken overlay, under deploy/k8s/ as the generator lays them out. */
function fixture(name: string): Map<string, string> {
  const files = new Map<string, string>();
  for (const dir of ['base', name]) {
    for (const file of listFiles(join(fixtures, dir))) {
      files.set(`deploy/k8s/${relative(fixtures, file).split(sep).join('/')}`, readFileSync(file, 'utf8'));
    }
  }
  return files;
}

async function messages(name: string): Promise<string[]> {
  return (await kubernetesValidator.validate(fixture(name))).map((p) => `${p.file}: ${p.message}`);
}

describe('kubernetes validator', () => {
  it('passes the valid base fixture', async () => {
    expect(await kubernetesValidator.validate(fixture('base'))).toEqual([]);
  });

  it("catches a typo'd field with the strict schema", async () => {
    const found = await messages('typo-field');
    expect(found).toEqual([
      'deploy/k8s/typo-field: Deployment demo: strict schema: /spec/template/spec/containers/0: unknown field "imagePullPolicyy"',
    ]);
  });

  it('catches a wrong type with kubernetes-models and the strict schema', async () => {
    const found = await messages('wrong-type');
    expect(found).toContain('deploy/k8s/wrong-type: Deployment demo: kubernetes-models: /spec/replicas: must be integer');
    expect(found).toContain('deploy/k8s/wrong-type: Deployment demo: strict schema: /spec/replicas: must be number');
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

  it('rejects an analysis that decides on constants', async () => {
    expect(await messages('constant-analysis')).toEqual([
      'deploy/k8s/constant-analysis: AnalysisTemplate demo-success-rate: metric success-rate decides without looking at the query result',
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
    // Regenerate with: npx tsx tools/validators/schemas/generate-kubernetes-schema.ts
    expect(readFileSync(strictSchemaPath, 'utf8')).toBe(generateKubernetesSchema());
  });
});
