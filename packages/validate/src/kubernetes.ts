import { parseAllDocuments } from 'yaml';
import { analysisProblems, argoRolloutsProblems } from './kubernetes-argo-rollouts.js';
import { isObject } from './json-shapes.js';
import { networkPolicyProblems, serviceProblems } from './kubernetes-network.js';
import { podPolicyProblems } from './kubernetes-pod-policy.js';
import { type RenderedDocument, renderKustomizations } from './kubernetes-render.js';
import { loadStrictSchema, modelFor, modelProblems } from './kubernetes-schemas.js';
import { describeSchemaErrors } from './schema-errors.js';
import type { ArtifactValidator, ValidationProblem } from './types.js';

export { argoRolloutsProblems } from './kubernetes-argo-rollouts.js';
export { networkPolicyProblems, serviceProblems } from './kubernetes-network.js';
export { ownerSecretProblems, podPolicyProblems } from './kubernetes-pod-policy.js';
export { type RenderedDocument, kustomizationDirs, renderKustomizations } from './kubernetes-render.js';

/** Validates one rendered document: kind exists, kubernetes-models types and enums, strict unknown-field schema, pod policy. */
export async function validateDocument({ source, doc }: RenderedDocument): Promise<ValidationProblem[]> {
  const kind = String(doc['kind'] ?? '');
  const apiVersion = String(doc['apiVersion'] ?? '');
  const name = isObject(doc['metadata']) ? String(doc['metadata']['name'] ?? '?') : '?';
  const label = `${kind || '(no kind)'} ${name}`;
  const problem = (message: string): ValidationProblem => ({ file: source, message: `${label}: ${message}` });
  if (kind === 'SecurityContext') {
    return [problem('SecurityContext is not a Kubernetes kind; set securityContext in the pod spec and in each container instead')];
  }
  const problems: ValidationProblem[] = [];
  const model = await modelFor(apiVersion, kind);
  const schema = loadStrictSchema()(kind, apiVersion);
  if (!model && !schema) return [problem(`no schema knows apiVersion "${apiVersion}" kind "${kind}"; check both for typos`)];
  if (model) {
    try {
      new model(doc).validate();
    } catch (error) {
      problems.push(...modelProblems(error).map((m) => problem(`kubernetes-models: ${m}`)));
    }
  }
  if (schema && !schema(doc)) problems.push(...describeSchemaErrors(schema.errors).map((m) => problem(`strict schema: ${m}`)));
  if (!schema) problems.push(problem(`no strict schema for ${apiVersion} ${kind}: unknown fields are not checked`));
  problems.push(...[...podPolicyProblems(doc), ...networkPolicyProblems(doc), ...serviceProblems(doc), ...argoRolloutsProblems(doc)].map(problem));
  return problems;
}

/**
 * Kubernetes manifests: each kustomization is rendered with `kubectl kustomize`, then every
 * document is checked by kubernetes-models and @kubernetes-models/argo-rollouts and
 * prometheus-operator (types, enums), a strict schema generated from their types and
 * kubernetes-types' (unknown or typo'd fields), and Slipway's pod policy.
 */
export const kubernetesValidator: ArtifactValidator = {
  name: 'kubectl kustomize + kubernetes-models + strict schema',
  tools: [
    { command: 'kubectl', install: 'install kubectl: https://kubernetes.io/docs/tasks/tools/ (apt-get install kubectl from the Kubernetes apt repository)' },
  ],
  appliesTo: (path) => /\.ya?ml$/.test(path) && (/(^|\/)k8s\//.test(path) || /(^|\/)kustomization\.ya?ml$/.test(path)),
  async validate(files) {
    const relevant = new Map([...files].filter(([path]) => this.appliesTo(path)));
    const problems: ValidationProblem[] = [];
    for (const [file, text] of relevant) {
      for (const doc of parseAllDocuments(text)) {
        for (const error of doc.errors) problems.push({ file, message: `YAML: ${error.message.split('\n')[0]}` });
      }
    }
    if (problems.length > 0) return problems;
    const rendered = await renderKustomizations(relevant);
    problems.push(...rendered.problems);
    for (const document of rendered.documents) problems.push(...(await validateDocument(document)));
    problems.push(...analysisProblems(rendered.documents));
    return problems;
  },
};
