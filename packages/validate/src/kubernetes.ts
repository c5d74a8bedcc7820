import { execFile } from 'node:child_process';
import { createRequire } from 'node:module';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, posix } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { Ajv, type ValidateFunction } from 'ajv';
import { parseAllDocuments } from 'yaml';
import { describeSchemaErrors } from './schema-errors.js';
import type { ArtifactValidator, ValidationProblem } from './types.js';

const execFileAsync = promisify(execFile);
const here = dirname(fileURLToPath(import.meta.url));
// require, not import(): the model path is computed, which bundlers such as vite cannot resolve statically.
const require = createRequire(import.meta.url);

/** One rendered Kubernetes document and where it came from (`deploy/k8s/overlays/prod`). */
export interface RenderedDocument {
  readonly source: string;
  readonly doc: Record<string, unknown>;
}

type Json = Record<string, unknown>;

const isObject = (value: unknown): value is Json => typeof value === 'object' && value !== null && !Array.isArray(value);
const asArray = (value: unknown): unknown[] => (Array.isArray(value) ? value : []);

// ---------------------------------------------------------------------------------------------
// The strict schema, compiled once per process, per kind.

let strictSchema: ((kind: string, apiVersion: string) => ValidateFunction | undefined) | undefined;

function loadStrictSchema(): (kind: string, apiVersion: string) => ValidateFunction | undefined {
  if (strictSchema) return strictSchema;
  const strict = JSON.parse(readFileSync(join(here, 'schemas/kubernetes-strict.json'), 'utf8')) as { definitions: Record<string, Json> };
  const ajv = new Ajv({ allErrors: true, strict: false });
  ajv.addSchema({ ...strict, $id: 'kubernetes-strict.json' });
  const byKind = new Map<string, ValidateFunction>();
  strictSchema = (kind, apiVersion) => {
    const definition = strict.definitions[kind];
    const declared = isObject(definition?.['properties']) ? (definition['properties'] as Json)['apiVersion'] : undefined;
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

// ---------------------------------------------------------------------------------------------
// kubernetes-models: the model class for a kind.

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
};

/** `apps/v1` + `Deployment` → `kubernetes-models/apps/v1/Deployment`; the core group is plain `v1`. */
async function modelFor(apiVersion: string, kind: string): Promise<ModelClass | undefined> {
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

function modelProblems(error: unknown): string[] {
  const errors = (error as { errors?: Parameters<typeof describeSchemaErrors>[0] }).errors;
  return errors ? describeSchemaErrors(errors) : [String((error as Error).message ?? error)];
}

// ---------------------------------------------------------------------------------------------
// Rendering with kubectl kustomize.

/** Folders holding a kustomization file, from the paths of the given files. */
export function kustomizationDirs(paths: Iterable<string>): string[] {
  return [...paths]
    .filter((p) => /(^|\/)kustomization\.ya?ml$/.test(p))
    .map((p) => posix.dirname(p))
    .sort();
}

async function kustomize(root: string, dir: string): Promise<{ docs: Json[] } | { error: string }> {
  try {
    const { stdout } = await execFileAsync('kubectl', ['kustomize', join(root, dir)], { maxBuffer: 16 * 1024 * 1024 });
    const docs = parseAllDocuments(stdout)
      .map((d) => d.toJSON() as unknown)
      .filter(isObject);
    return { docs };
  } catch (error) {
    const stderr = (error as { stderr?: string }).stderr ?? String(error);
    const line = stderr.split('\n').find((l) => l.trim() !== '') ?? stderr;
    return { error: line.replace(root + '/', '').replace(/^E\d+ [\d:.]+\s+\d+ \S+\] /, '') };
  }
}

/** Renders every kustomization among the files (written to a temp folder) with `kubectl kustomize`. */
export async function renderKustomizations(
  files: ReadonlyMap<string, string>,
): Promise<{ documents: RenderedDocument[]; problems: ValidationProblem[] }> {
  const root = mkdtempSync(join(tmpdir(), 'slipway-k8s-'));
  try {
    for (const [file, text] of files) {
      mkdirSync(dirname(join(root, file)), { recursive: true });
      writeFileSync(join(root, file), text);
    }
    const dirs = kustomizationDirs(files.keys());
    const results = await Promise.all(dirs.map((dir) => kustomize(root, dir)));
    const documents: RenderedDocument[] = [];
    const problems: ValidationProblem[] = [];
    results.forEach((result, i) => {
      const source = dirs[i]!;
      if ('error' in result) problems.push({ file: `${source}/kustomization.yaml`, message: `kubectl kustomize failed: ${result.error}` });
      else for (const doc of result.docs) documents.push({ source, doc });
    });
    return { documents, problems };
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
}

// ---------------------------------------------------------------------------------------------
// Per-document checks.

const SECRET_ENV = /(PASSWORD|PASSWD|SECRET|TOKEN|API_KEY|PRIVATE_KEY|CREDENTIAL|DATABASE_URL|CONNECTION_STRING)/i;

function podTemplateOf(doc: Json): Json | undefined {
  const spec = doc['spec'];
  if (!isObject(spec)) return undefined;
  const template = spec['template'];
  return isObject(template) && isObject(template['spec']) ? (template['spec'] as Json) : undefined;
}

/** Secrets a container reads: env secretKeyRef, envFrom secretRef, and mounted secret volumes. */
function secretsReadBy(container: Json, pod: Json): Array<{ secret: string; env?: string }> {
  const reads: Array<{ secret: string; env?: string }> = [];
  for (const env of asArray(container['env']).filter(isObject)) {
    const ref = isObject(env['valueFrom']) ? env['valueFrom']['secretKeyRef'] : undefined;
    if (isObject(ref)) reads.push({ secret: String(ref['name']), env: String(env['name']) });
  }
  for (const from of asArray(container['envFrom']).filter(isObject)) {
    if (isObject(from['secretRef'])) reads.push({ secret: String(from['secretRef']['name']) });
  }
  const mounted = new Set(asArray(container['volumeMounts']).filter(isObject).map((m) => String(m['name'])));
  for (const volume of asArray(pod['volumes']).filter(isObject)) {
    if (mounted.has(String(volume['name'])) && isObject(volume['secret'])) reads.push({ secret: String(volume['secret']['secretName']) });
  }
  return reads;
}

/**
 * The serving containers never get the database owner: the owner Secrets (`*-db-owner`, and any
 * Secret behind DATABASE_MIGRATION_URL) are read by init containers only, the one-shot migration.
 */
export function ownerSecretProblems(pod: Json): string[] {
  const containers = asArray(pod['containers']).filter(isObject);
  const initContainers = asArray(pod['initContainers']).filter(isObject);
  const owners = new Set<string>();
  for (const container of [...containers, ...initContainers]) {
    for (const read of secretsReadBy(container, pod)) {
      if (read.env === 'DATABASE_MIGRATION_URL' || /-db-owner$/.test(read.secret)) owners.add(read.secret);
    }
  }
  const problems: string[] = [];
  for (const container of containers) {
    const name = String(container['name']);
    if (asArray(container['env']).some((e) => isObject(e) && e['name'] === 'DATABASE_MIGRATION_URL')) {
      problems.push(`container ${name}: DATABASE_MIGRATION_URL (the database owner) belongs in the migration init container, not in a serving container`);
    }
    for (const secret of new Set(secretsReadBy(container, pod).map((r) => r.secret).filter((s) => owners.has(s)))) {
      problems.push(`container ${name}: reads the database owner's Secret "${secret}"; only the migration init container may, the service reads the serving login's Secret`);
    }
  }
  return problems;
}

/** The security context and image rules, for serving and init containers alike. */
function containerHardeningProblems(container: Json, podContext: Json): string[] {
  const problems: string[] = [];
  const name = String(container['name']);
  const context = isObject(container['securityContext']) ? container['securityContext'] : {};
  const runAsNonRoot = context['runAsNonRoot'] ?? podContext['runAsNonRoot'];
  if (runAsNonRoot !== true) problems.push(`container ${name}: securityContext.runAsNonRoot must be true`);
  if (context['readOnlyRootFilesystem'] !== true) problems.push(`container ${name}: securityContext.readOnlyRootFilesystem must be true`);
  if (context['allowPrivilegeEscalation'] !== false) problems.push(`container ${name}: securityContext.allowPrivilegeEscalation must be false`);
  const drop = isObject(context['capabilities']) ? asArray(context['capabilities']['drop']) : [];
  if (!drop.includes('ALL')) problems.push(`container ${name}: securityContext.capabilities.drop must include ALL`);
  const image = String(container['image'] ?? '');
  const tagged = image.includes('@sha256:') || /:[^/]+$/.test(image);
  if (!tagged || /:latest$/.test(image)) problems.push(`container ${name}: image "${image}" must carry a version tag or digest, not latest`);
  for (const env of asArray(container['env']).filter(isObject)) {
    if (typeof env['value'] === 'string' && SECRET_ENV.test(String(env['name']))) {
      problems.push(`container ${name}: env ${String(env['name'])} looks like a secret; reference it with valueFrom.secretKeyRef instead of a literal value`);
    }
  }
  return problems;
}

/** Slipway's pod rules: hardened security contexts, pinned images, secrets only by reference, probes, no owner credential in a serving container. */
export function podPolicyProblems(doc: Json): string[] {
  const pod = podTemplateOf(doc);
  if (!pod) return [];
  const problems: string[] = [];
  const podContext = isObject(pod['securityContext']) ? pod['securityContext'] : {};
  for (const container of asArray(pod['initContainers']).filter(isObject)) problems.push(...containerHardeningProblems(container, podContext));
  problems.push(...ownerSecretProblems(pod));
  for (const container of asArray(pod['containers']).filter(isObject)) {
    const name = String(container['name']);
    problems.push(...containerHardeningProblems(container, podContext));
    for (const probe of ['livenessProbe', 'readinessProbe']) {
      if (!isObject(container[probe])) problems.push(`container ${name}: ${probe} is missing`);
    }
  }
  return problems;
}

const ANYWHERE = new Set(['0.0.0.0/0', '::/0']);

/**
 * NetworkPolicy rules that name no peer: a rule without `to`/`from` (or with an ipBlock of the whole
 * address space) matches every address, so a compromised pod could reach, or be reached from, anything.
 */
export function networkPolicyProblems(doc: Json): string[] {
  if (doc['kind'] !== 'NetworkPolicy' || !isObject(doc['spec'])) return [];
  const problems: string[] = [];
  for (const [direction, peers] of [['egress', 'to'], ['ingress', 'from']] as const) {
    asArray(doc['spec'][direction]).forEach((rule, index) => {
      const list = isObject(rule) ? asArray(rule[peers]).filter(isObject) : [];
      const where = `${direction}[${index}]`;
      if (list.length === 0) {
        problems.push(`${where} has no \`${peers}\`, so it allows ${direction === 'egress' ? 'traffic to' : 'traffic from'} any address; name the peers (namespaceSelector/podSelector, or an ipBlock)`);
      }
      for (const peer of list) {
        const cidr = isObject(peer['ipBlock']) ? String(peer['ipBlock']['cidr']) : undefined;
        if (cidr !== undefined && ANYWHERE.has(cidr)) problems.push(`${where}: ipBlock ${cidr} is every address; allow only the networks the service needs`);
      }
    });
  }
  return problems;
}

/** The runtime's ops port (OPS_PORT: /metrics, /readyz) is for the cluster's probes and Prometheus, never a Service. */
export function serviceProblems(doc: Json): string[] {
  if (doc['kind'] !== 'Service' || !isObject(doc['spec'])) return [];
  return asArray(doc['spec']['ports'])
    .filter(isObject)
    .filter((port) => port['targetPort'] === 'ops' || port['name'] === 'ops')
    .map((port) => `port ${String(port['name'] ?? port['port'])} exposes the ops port (/metrics, /readyz); Services carry the http port only, Prometheus scrapes the pods directly`);
}

/** How many fields an object sets: Argo Rollouts wants exactly one in a strategy, a canary step and a metric provider. */
const fieldsSet = (value: unknown): number => (isObject(value) ? Object.values(value).filter((v) => v !== undefined && v !== null).length : 0);

/**
 * The "one of" rules Argo Rollouts' controller enforces but its API types (so the
 * @kubernetes-models schemas) leave out: one strategy, one action per canary step, one provider
 * per metric, and a Prometheus provider that names its server and query.
 */
export function argoRolloutsProblems(doc: Json): string[] {
  const spec = isObject(doc['spec']) ? doc['spec'] : {};
  const problems: string[] = [];
  if (doc['kind'] === 'Rollout') {
    if (fieldsSet(spec['strategy']) !== 1) problems.push('spec.strategy must set exactly one of canary, blueGreen');
    const canary = isObject(spec['strategy']) ? spec['strategy']['canary'] : undefined;
    asArray(isObject(canary) ? canary['steps'] : undefined).forEach((step, index) => {
      if (fieldsSet(step) !== 1) problems.push(`spec.strategy.canary.steps[${index}] must hold exactly one action (setWeight, pause, analysis, ...)`);
    });
  }
  if (doc['kind'] === 'AnalysisTemplate') {
    asArray(spec['metrics']).filter(isObject).forEach((metric, index) => {
      if (fieldsSet(metric['provider']) !== 1) problems.push(`spec.metrics[${index}].provider must set exactly one provider`);
      const prometheus = isObject(metric['provider']) ? metric['provider']['prometheus'] : undefined;
      if (!isObject(prometheus)) return;
      for (const field of ['address', 'query'].filter((f) => typeof prometheus[f] !== 'string' || prometheus[f] === '')) {
        problems.push(`spec.metrics[${index}].provider.prometheus.${field} is required`);
      }
    });
  }
  return problems;
}

/** Rollouts name AnalysisTemplates that exist, and pass every argument those templates need. */
function analysisProblems(documents: readonly RenderedDocument[]): ValidationProblem[] {
  const problems: ValidationProblem[] = [];
  const bySource = new Map<string, Json[]>();
  for (const { source, doc } of documents) bySource.set(source, [...(bySource.get(source) ?? []), doc]);
  for (const [source, docs] of bySource) {
    const templates = new Map<string, Json>();
    for (const doc of docs) {
      if (doc['kind'] === 'AnalysisTemplate' && isObject(doc['metadata'])) templates.set(String(doc['metadata']['name']), doc);
    }
    for (const [name, template] of templates) {
      const spec = isObject(template['spec']) ? template['spec'] : {};
      for (const metric of asArray(spec['metrics']).filter(isObject)) {
        const prometheus = isObject(metric['provider']) ? metric['provider']['prometheus'] : undefined;
        const conditions = `${String(metric['successCondition'] ?? '')} ${String(metric['failureCondition'] ?? '')}`;
        if (isObject(prometheus) && !/\bresult\b/.test(conditions)) {
          problems.push({ file: source, message: `AnalysisTemplate ${name}: metric ${String(metric['name'])} decides without looking at the query result` });
        }
        const declared = new Set(asArray(spec['args']).filter(isObject).map((a) => String(a['name'])));
        const used = [...JSON.stringify(metric).matchAll(/\{\{\s*args\.([\w-]+)\s*\}\}/g)].map((m) => m[1]!);
        for (const arg of used.filter((a) => !declared.has(a))) {
          problems.push({ file: source, message: `AnalysisTemplate ${name}: metric ${String(metric['name'])} uses {{args.${arg}}}, which spec.args does not declare` });
        }
      }
    }
    for (const doc of docs.filter((d) => d['kind'] === 'Rollout')) {
      const strategy = isObject(doc['spec']) && isObject(doc['spec']['strategy']) ? doc['spec']['strategy'] : {};
      const analyses: Json[] = [];
      const collect = (value: unknown): void => {
        if (Array.isArray(value)) value.forEach(collect);
        else if (isObject(value)) {
          if (Array.isArray(value['templates'])) analyses.push(value);
          Object.values(value).forEach(collect);
        }
      };
      collect(strategy);
      for (const analysis of analyses) {
        const passed = new Set(asArray(analysis['args']).filter(isObject).map((a) => String(a['name'])));
        for (const ref of asArray(analysis['templates']).filter(isObject)) {
          const template = templates.get(String(ref['templateName']));
          if (!template) {
            problems.push({ file: source, message: `Rollout: analysis template "${String(ref['templateName'])}" is not in the rendered output` });
            continue;
          }
          const args = isObject(template['spec']) ? asArray(template['spec']['args']).filter(isObject) : [];
          for (const arg of args.filter((a) => a['value'] === undefined && a['valueFrom'] === undefined)) {
            if (!passed.has(String(arg['name']))) {
              problems.push({ file: source, message: `Rollout: analysis "${String(ref['templateName'])}" needs argument "${String(arg['name'])}", which the Rollout does not pass` });
            }
          }
        }
      }
    }
  }
  return problems;
}

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
  tools: [{ command: 'kubectl', install: 'install kubectl: https://kubernetes.io/docs/tasks/tools/ (apt-get install kubectl from the Kubernetes apt repository)' }],
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
