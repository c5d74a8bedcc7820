// What a document is checked against: the strict unknown-field schema and the kubernetes-models classes.
import { createRequire } from 'node:module';
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Ajv, type ValidateFunction } from 'ajv';
import { type Json, isObject } from './json-shapes.js';
import { describeSchemaErrors } from './schema-errors.js';

const here = dirname(fileURLToPath(import.meta.url));
// require, not import(): the model path is computed, which bundlers such as vite cannot resolve statically.
const require = createRequire(import.meta.url);

// The strict schema, compiled once per process, per kind.
let strictSchema: ((kind: string, apiVersion: string) => ValidateFunction | undefined) | undefined;

export function loadStrictSchema(): (kind: string, apiVersion: string) => ValidateFunction | undefined {
  if (strictSchema) return strictSchema;
  const strict = JSON.parse(readFileSync(join(here, 'schemas/kubernetes-strict.json'), 'utf8')) as { definitions: Record<string, Json> };
  const ajv = new Ajv({ allErrors: true, strict: false });
  ajv.addSchema({ ...strict, $id: 'kubernetes-strict.json' });
  const byKind = new Map<string, ValidateFunction>();
  strictSchema = (kind, apiVersion) => {
    const definition = strict.definitions[kind];
    const declared = isObject(definition?.['properties']) ? definition['properties']['apiVersion'] : undefined;
    if (!isObject(declared) || declared['const'] !== apiVersion) return undefined;
    let validate = byKind.get(kind);
    if (!validate) {
      validate = ajv.compile({ $ref: `kubernetes-strict.json#/definitions/${kind}` });
      byKind.set(kind, validate);
    }
    return validate;
  };
  return strictSchema;
}

interface ModelClass {
  new (data: Json): { validate(): void };
  apiVersion?: string;
  kind?: string;
}

// The documents are untrusted input, so a model's typed constructor takes them as they come: validate() checks them.
const untyped = (model: unknown): ModelClass => model as ModelClass;

/**
 * The custom resources Slipway generates, from the @kubernetes-models packages built from the
 * projects' own API definitions. Imported on first use: they load a second kubernetes-models tree.
 */
const customResourceModels: Readonly<Record<string, () => Promise<ModelClass>>> = {
  'argoproj.io/v1alpha1/Rollout': async () => untyped((await import('@kubernetes-models/argo-rollouts/argoproj.io/v1alpha1/Rollout')).Rollout),
  'argoproj.io/v1alpha1/AnalysisTemplate': async () =>
    untyped((await import('@kubernetes-models/argo-rollouts/argoproj.io/v1alpha1/AnalysisTemplate')).AnalysisTemplate),
  'monitoring.coreos.com/v1/PodMonitor': async () =>
    untyped((await import('@kubernetes-models/prometheus-operator/monitoring.coreos.com/v1/PodMonitor')).PodMonitor),
  'monitoring.coreos.com/v1/PrometheusRule': async () =>
    untyped((await import('@kubernetes-models/prometheus-operator/monitoring.coreos.com/v1/PrometheusRule')).PrometheusRule),
};

/** `apps/v1` + `Deployment` → `kubernetes-models/apps/v1/Deployment`; the core group is plain `v1`. */
export async function modelFor(apiVersion: string, kind: string): Promise<ModelClass | undefined> {
  const customResource = customResourceModels[`${apiVersion}/${kind}`];
  if (customResource) return customResource();
  if (!/^[A-Za-z0-9.-]+(\/v[0-9a-z]+)?$/.test(apiVersion) || !/^[A-Z][A-Za-z0-9]*$/.test(kind)) return undefined;
  try {
    const module = require(`kubernetes-models/${apiVersion}/${kind}`) as Record<string, unknown>;
    const model = module[kind] as ModelClass | undefined;
    // Only resource kinds carry apiVersion/kind: v1/SecurityContext exists as a type, not as a kind.
    return model && model.apiVersion === apiVersion && model.kind === kind ? model : undefined;
  } catch {
    return undefined;
  }
}

export function modelProblems(error: unknown): string[] {
  const errors = (error as { errors?: Parameters<typeof describeSchemaErrors>[0] }).errors;
  return errors ? describeSchemaErrors(errors) : [String((error as Error).message ?? error)];
}
