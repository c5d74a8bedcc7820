import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Ajv, type ErrorObject, type ValidateFunction } from 'ajv';
import { parse } from 'yaml';
import { schemasDir } from './schemas-dir.js';
import { isAzurePipeline } from './shell.js';
import type { ArtifactValidator, ValidationProblem } from './types.js';

type Json = Record<string, unknown>;
const isObject = (value: unknown): value is Json => typeof value === 'object' && value !== null && !Array.isArray(value);
const asArray = (value: unknown): unknown[] => (Array.isArray(value) ? value : value === undefined ? [] : [value]);

/** Microsoft's schema (azure-pipelines-vscode), vendored: see schemas/vendor/PROVENANCE.md. */
export const AZURE_PIPELINES_SCHEMA = join(schemasDir, 'vendor/azure-pipelines/service-schema.json');

interface Branch {
  readonly type?: string;
  readonly firstProperty?: readonly string[];
  readonly properties?: Json;
  readonly $ref?: string;
  readonly anyOf?: readonly Branch[];
}

interface LoadedSchema {
  readonly ajv: Ajv;
  readonly definitions: Readonly<Record<string, Branch>>;
}

const SCHEMA_ID = 'azure-pipelines';
let loaded: LoadedSchema | undefined;

/** Loads the 1.6 MB schema once per process; validators compile on first use (the whole file in about 1.5 s). */
function loadSchema(): LoadedSchema {
  if (!loaded) {
    const schema = JSON.parse(readFileSync(AZURE_PIPELINES_SCHEMA, 'utf8')) as { definitions: Record<string, Branch> };
    // Its patterns use escapes that are invalid under the u flag, and it has non-standard keywords.
    // Every scalar is parsed as a string (as the service does); coercion turns "true" into the
    // booleans that some task inputs are typed as.
    const ajv = new Ajv({ strict: false, unicodeRegExp: false, allErrors: true, coerceTypes: true });
    ajv.addSchema({ ...schema, $id: SCHEMA_ID });
    loaded = { ajv, definitions: schema.definitions };
  }
  return loaded;
}

function validatorFor(pointer: string): ValidateFunction {
  const { ajv } = loadSchema();
  const validate = ajv.getSchema(`${SCHEMA_ID}${pointer}`);
  if (!validate) throw new Error(`azure-pipelines schema has no ${pointer}`);
  return validate;
}

// ---------------------------------------------------------------------------------------------
// Readable schema errors. Steps, jobs and stages are each an `anyOf` of many shapes (one per task),
// and ajv reports every shape's failure. So each node is checked on its own, against the one shape
// the YAML means: the one whose first property it has (`script`, `deployment`), or for a task, the
// one whose name matches `task:`. Stages and jobs are checked with their children emptied.

const JSON_TYPE = (value: unknown): string => (Array.isArray(value) ? 'array' : value === null ? 'null' : typeof value);

function resolve(definitions: Readonly<Record<string, Branch>>, branch: Branch): Branch {
  return branch.$ref ? (definitions[branch.$ref.replace('#/definitions/', '')] ?? branch) : branch;
}

/** Whether a shape is the one meant for this value: by type, first property and task name. */
function claims(definitions: Readonly<Record<string, Branch>>, raw: Branch, value: unknown): boolean {
  const branch = resolve(definitions, raw);
  if (branch.anyOf) return branch.anyOf.some((b) => claims(definitions, b, value));
  if (branch.type && branch.type !== JSON_TYPE(value)) return false;
  const first = branch.firstProperty?.[0];
  if (first !== undefined && !(isObject(value) && first in value)) return false;
  const taskPattern = isObject(branch.properties?.['task']) ? (branch.properties['task'] as Json)['pattern'] : undefined;
  if (typeof taskPattern === 'string') return isObject(value) && new RegExp(taskPattern, 'i').test(String(value['task']));
  return true;
}

function describe(path: string, error: ErrorObject): string {
  const where = `${path}${error.instancePath}` || '/';
  if (error.keyword === 'additionalProperties') return `${where}: unknown key "${String(error.params['additionalProperty'])}"`;
  if (error.keyword === 'enum') return `${where}: must be one of ${(error.params['allowedValues'] as unknown[]).join(', ')}`;
  return `${where}: ${error.message ?? error.keyword}`;
}

/** Errors of one shape, minus what nested `anyOf`s repeat (a `type` miss beside the branch that fits). */
function readable(path: string, errors: readonly ErrorObject[]): string[] {
  const specific = errors.filter((e) => e.keyword !== 'anyOf' && e.keyword !== 'oneOf');
  const byPath = new Map<string, ErrorObject[]>();
  for (const error of specific) byPath.set(error.instancePath, [...(byPath.get(error.instancePath) ?? []), error]);
  const lines: string[] = [];
  for (const group of byPath.values()) {
    const untyped = group.filter((e) => e.keyword !== 'type');
    const chosen = untyped.length > 0 ? untyped : group;
    // A value failing an anyOf of patterns (true|y|yes|on|false|...) fails each one: say it once.
    const patterns = chosen.filter((e) => e.keyword === 'pattern');
    lines.push(...chosen.filter((e) => e.keyword !== 'pattern').map((e) => describe(path, e)));
    if (patterns.length > 0) lines.push(`${path}${patterns[0]!.instancePath}: must match one of ${patterns.map((e) => String(e.params['pattern'])).join(' ')}`);
  }
  return lines;
}

function kinds(definitions: Readonly<Record<string, Branch>>, definition: string): string {
  const options = (definitions[definition]?.anyOf ?? []).flatMap((b) => resolve(definitions, b).firstProperty ?? []);
  return [...new Set(options)].join(', ');
}

/** Checks a node against the shape of `definition` it means, reporting paths from the document root. */
function checkNode(definition: string, value: unknown, path: string): string[] {
  const { definitions } = loadSchema();
  let pointer = `#/definitions/${definition}`;
  const branches = definitions[definition]?.anyOf;
  if (branches) {
    if (definition === 'step' && isObject(value) && typeof value['task'] === 'string') {
      const tasks = definitions['task']?.anyOf ?? [];
      const index = tasks.findIndex((b) => claims(definitions, b, value));
      if (index < 0) return [`${path}: unknown task "${value['task']}" (not in the schema's task list)`];
      pointer = `#/definitions/task/anyOf/${index}`;
    } else {
      const index = branches.findIndex((b) => claims(definitions, b, value));
      if (index < 0) return [`${path || '/'}: not a valid ${definition} (expected one of: ${kinds(definitions, definition)})`];
      pointer = `${pointer}/anyOf/${index}`;
    }
  }
  const validate = validatorFor(pointer);
  return validate(value) ? [] : readable(path, validate.errors ?? []);
}

/** A deep copy with the listed child collections emptied, to check a node's own keys. */
function withoutChildren(value: unknown, keys: readonly string[]): unknown {
  if (Array.isArray(value)) return value.map((item) => withoutChildren(item, keys));
  if (!isObject(value)) return value;
  return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, keys.includes(k) && Array.isArray(v) ? [] : withoutChildren(v, keys)]));
}

/** Every array under one of `keys`, with its JSON pointer. */
function collections(node: unknown, key: string, path: string, out: Array<{ path: string; items: unknown[] }>): void {
  if (Array.isArray(node)) return node.forEach((item, index) => collections(item, key, `${path}/${index}`, out));
  if (!isObject(node)) return;
  for (const [k, v] of Object.entries(node)) {
    if (k === key && Array.isArray(v)) out.push({ path: `${path}/${k}`, items: v });
    collections(v, key, `${path}/${k}`, out);
  }
}

export function schemaProblems(doc: unknown): string[] {
  const whole = validatorFor('');
  if (whole(structuredClone(doc))) return [];
  const problems: string[] = [];
  const copy = structuredClone(doc);
  const steps: Array<{ path: string; items: unknown[] }> = [];
  collections(copy, 'steps', '', steps);
  for (const { path, items } of steps) items.forEach((step, index) => problems.push(...checkNode('step', step, `${path}/${index}`)));
  const jobs: Array<{ path: string; items: unknown[] }> = [];
  collections(copy, 'jobs', '', jobs);
  for (const { path, items } of jobs) items.forEach((job, index) => problems.push(...checkNode('job', withoutChildren(job, ['steps']), `${path}/${index}`)));
  if (isObject(copy)) {
    asArray(copy['stages']).forEach((stage, index) => problems.push(...checkNode('stage', withoutChildren(stage, ['jobs', 'steps']), `/stages/${index}`)));
    problems.push(...checkNode('pipeline', withoutChildren(copy, ['stages', 'jobs', 'steps']), ''));
  } else {
    problems.push('/: a pipeline must be a mapping (stages:, jobs: or steps:)');
  }
  const unique = [...new Set(problems)];
  return unique.length > 0 ? unique : readable('', (whole.errors ?? []).slice(0, 1));
}

// ---------------------------------------------------------------------------------------------
// Policy: where the schema is loose (every scalar is a string, references are not resolved).

interface Stage {
  readonly name: string;
  readonly dependsOn: readonly string[];
  readonly node: Json;
}

function stagesOf(doc: Json): Stage[] {
  const stages = asArray(doc['stages']).filter(isObject).filter((s) => typeof s['stage'] === 'string');
  return stages.map((node, index) => ({
    name: String(node['stage']),
    // Without dependsOn a stage depends on the one before it; `dependsOn: []` makes it independent.
    dependsOn: node['dependsOn'] === undefined ? (index > 0 ? [String(stages[index - 1]!['stage'])] : []) : asArray(node['dependsOn']).map(String),
    node,
  }));
}

function jobsOf(node: Json): Json[] {
  return asArray(node['jobs']).filter(isObject);
}

const isDeployment = (job: Json): boolean => typeof job['deployment'] === 'string';

function checkStages(stages: readonly Stage[]): string[] {
  const problems: string[] = [];
  const names = new Set(stages.map((s) => s.name));
  for (const stage of stages) {
    for (const dependency of stage.dependsOn) {
      if (!names.has(dependency)) problems.push(`stage ${stage.name} depends on stage "${dependency}", which does not exist`);
    }
  }
  const ancestors = (stage: Stage, seen = new Set<string>()): Set<string> => {
    for (const dependency of stage.dependsOn) {
      if (seen.has(dependency)) continue;
      seen.add(dependency);
      const parent = stages.find((s) => s.name === dependency);
      if (parent) ancestors(parent, seen);
    }
    return seen;
  };
  // Deployments go out in file order: each deploying stage must wait for every stage above it.
  stages.forEach((stage, index) => {
    if (!jobsOf(stage.node).some(isDeployment)) return;
    const before = ancestors(stage);
    for (const earlier of stages.slice(0, index)) {
      if (!before.has(earlier.name)) problems.push(`stage ${stage.name} deploys without depending on stage ${earlier.name} above it; deploy stages must run in order`);
    }
  });
  // stageDependencies.<Stage> only resolves for stages this one depends on directly.
  for (const stage of stages) {
    const text = JSON.stringify(stage.node);
    for (const [, referenced] of text.matchAll(/\bstageDependencies\.([A-Za-z0-9_]+)\./g)) {
      if (!stage.dependsOn.includes(referenced!)) {
        problems.push(`stage ${stage.name} reads stageDependencies.${referenced} but does not list ${referenced} in dependsOn, so the value is empty`);
      }
    }
  }
  return problems;
}

function checkJobs(doc: Json, stages: readonly Stage[]): string[] {
  const problems: string[] = [];
  const containers: Array<{ where: string; node: Json }> = stages.length > 0 ? stages.map((s) => ({ where: `stage ${s.name}`, node: s.node })) : [{ where: 'pipeline', node: doc }];
  for (const { where, node } of containers) {
    const jobs = jobsOf(node);
    const names = new Set(jobs.map((j) => String(j['job'] ?? j['deployment'] ?? '')));
    for (const job of jobs) {
      const name = String(job['job'] ?? job['deployment'] ?? job['template'] ?? '?');
      if (isDeployment(job) && job['environment'] === undefined) {
        problems.push(`${where}: deployment job ${name} has no environment; approvals and checks live on the environment, so name one`);
      }
      for (const dependency of asArray(job['dependsOn']).map(String)) {
        if (!names.has(dependency)) problems.push(`${where}: job ${name} depends on job "${dependency}", which does not exist in that stage`);
      }
    }
  }
  return problems;
}

const SECRET_NAME = /(client_?secret|password|secret|servicePrincipalKey|ARM_CLIENT_SECRET)/i;
const MACRO_ONLY = /^\s*(\$\([^)]*\)|\$\[[\s\S]*\]|\$\{\{[\s\S]*\}\})\s*$/;

/** Azure credentials written into the pipeline instead of a (workload identity) service connection. */
function checkSecrets(doc: Json): string[] {
  const problems: string[] = [];
  const visit = (node: unknown, path: string): void => {
    if (Array.isArray(node)) return node.forEach((item, index) => visit(item, `${path}[${index}]`));
    if (typeof node === 'string') {
      if (/az\s+login\b[^\n]*--service-principal/.test(node) || /\bConnect-AzAccount\b[^\n]*-ServicePrincipal/.test(node)) {
        problems.push(`${path}: logs in with a service principal secret in the script; use AzureCLI@2 with a workload identity federation service connection (azureSubscription)`);
      }
      return;
    }
    if (!isObject(node)) return;
    // `variables: [{name, value}]` and `variables: {name: value}` both name a value.
    if (typeof node['name'] === 'string' && typeof node['value'] === 'string' && SECRET_NAME.test(node['name']) && !MACRO_ONLY.test(node['value'])) {
      problems.push(`${path}: variable ${node['name']} holds a credential in plain text; use a secret variable or a Key Vault-backed variable group`);
    }
    for (const [key, value] of Object.entries(node)) {
      const here = path ? `${path}.${key}` : key;
      if ((key === 'variables' || key === 'env') && isObject(value)) {
        for (const [name, v] of Object.entries(value)) {
          if (SECRET_NAME.test(name) && typeof v === 'string' && !MACRO_ONLY.test(v)) {
            problems.push(`${here}.${name}: holds a credential in plain text; use a secret variable or a Key Vault-backed variable group`);
          }
        }
      }
      visit(value, here);
    }
  };
  visit(doc, '');
  return problems;
}

/** A job's steps, a deployment job's included (they sit under its strategy's lifecycle hooks). */
function stepsOf(job: Json): Json[] {
  const nested: unknown[] = [];
  const visit = (node: unknown): void => {
    if (!isObject(node)) return;
    for (const [key, value] of Object.entries(node)) (key === 'steps' ? nested.push(...asArray(value)) : visit(value));
  };
  visit(job['strategy']);
  return [...asArray(job['steps']), ...nested].filter(isObject);
}

/** A step that publishes an image: Docker@2 push or buildAndPush, or a push in a script. */
function pushesImage(step: Json): boolean {
  if (/^Docker@\d+$/i.test(String(step['task'] ?? ''))) {
    const command = isObject(step['inputs']) ? String(step['inputs']['command'] ?? 'buildAndPush') : 'buildAndPush';
    return /^(push|buildAndPush)$/i.test(command);
  }
  const script = step['script'] ?? step['bash'];
  return typeof script === 'string' && /\b(docker|podman)\s+(image\s+)?push\b|\bbuildx\s+build\b.*--push\b|\baz\s+acr\s+build\b/.test(script);
}

/** A script that fails the job on image vulnerabilities: `trivy image --exit-code 1` (the CLI or its container). */
function gatesOnImageScan(step: Json): boolean {
  const script = step['script'] ?? step['bash'];
  if (String(step['continueOnError'] ?? 'false') !== 'false') return false;
  return typeof script === 'string' && /\btrivy\b.*\simage\s.*--exit-code[\s=]+[1-9]/.test(script.replace(/\\\n/g, ' '));
}

/** An image reaches the registry only after a scan earlier in the same job has passed. */
function checkScanBeforePush(doc: Json, stages: readonly Stage[]): string[] {
  const problems: string[] = [];
  const jobs = stages.length > 0 ? stages.flatMap((s) => jobsOf(s.node).map((job) => ({ where: `stage ${s.name}`, job }))) : jobsOf(doc).map((job) => ({ where: 'pipeline', job }));
  if (jobs.length === 0 && isObject(doc)) jobs.push({ where: 'pipeline', job: doc });
  for (const { where, job } of jobs) {
    const name = String(job['job'] ?? job['deployment'] ?? '?');
    let scanned = false;
    stepsOf(job).forEach((step, index) => {
      if (gatesOnImageScan(step)) scanned = true;
      else if (!scanned && pushesImage(step)) {
        problems.push(
          `${where}: job ${name} step ${index} pushes the image before a vulnerability scan gates it; build it (Docker@2 command: build), scan it (trivy image --severity HIGH,CRITICAL --exit-code 1), then push (command: push)`,
        );
      }
    });
  }
  return problems;
}

const MIGRATION_URL = 'DATABASE_MIGRATION_URL';
/** A step that runs the migration: `npm run migrate`, `node dist/migrate.js`. */
const RUNS_MIGRATION = /\bmigrat(e|ion)\b/i;

/** The database owner's URL reaches the migration step only: never a variable every step sees, nor another step. */
function checkMigrationCredential(doc: Json, stages: readonly Stage[]): string[] {
  const problems: string[] = [];
  const inVariables = (node: Json): boolean => {
    const variables = node['variables'];
    if (isObject(variables)) return MIGRATION_URL in variables;
    return asArray(variables).some((v) => isObject(v) && v['name'] === MIGRATION_URL);
  };
  const jobs = stages.length > 0 ? stages.flatMap((s) => jobsOf(s.node).map((job) => ({ where: `stage ${s.name}`, job }))) : jobsOf(doc).map((job) => ({ where: 'pipeline', job }));
  if (jobs.length === 0) jobs.push({ where: 'pipeline', job: doc });
  if (inVariables(doc) || stages.some((s) => inVariables(s.node))) problems.push(`variables: ${MIGRATION_URL} (the database owner) is visible to every step; set it in the migration step's env only`);
  for (const { where, job } of jobs) {
    const name = String(job['job'] ?? job['deployment'] ?? '?');
    if (job !== doc && inVariables(job)) problems.push(`${where}: job ${name} variables: ${MIGRATION_URL} (the database owner) is visible to every step; set it in the migration step's env only`);
    stepsOf(job).forEach((step, index) => {
      const env = step['env'];
      const script = String(step['script'] ?? step['bash'] ?? '');
      if (isObject(env) && MIGRATION_URL in env && !RUNS_MIGRATION.test(script)) {
        problems.push(`${where}: job ${name} step ${index} gets ${MIGRATION_URL} (the database owner) but does not run the migration; only the migration step may`);
      }
    });
  }
  return problems;
}

export function pipelinePolicyProblems(doc: unknown): string[] {
  if (!isObject(doc)) return [];
  const stages = stagesOf(doc);
  return [...checkStages(stages), ...checkJobs(doc, stages), ...checkSecrets(doc), ...checkScanBeforePush(doc, stages), ...checkMigrationCredential(doc, stages)];
}

/** Azure Pipelines YAML, parsed as the service does: every scalar a string (YAML failsafe schema). */
export function parsePipeline(text: string): unknown {
  return parse(text, { schema: 'failsafe' });
}

/** Azure Pipelines YAML against Microsoft's schema (with readable errors), plus Slipway's policy. */
export const azurePipelinesValidator: ArtifactValidator = {
  name: 'Azure Pipelines (service-schema.json + policy)',
  appliesTo: isAzurePipeline,
  async validate(files) {
    const problems: ValidationProblem[] = [];
    for (const [file, text] of files) {
      if (!this.appliesTo(file)) continue;
      let doc: unknown;
      try {
        doc = parsePipeline(text);
      } catch (error) {
        problems.push({ file, message: `not valid YAML: ${(error as Error).message}` });
        continue;
      }
      for (const message of [...schemaProblems(doc), ...pipelinePolicyProblems(doc)]) problems.push({ file, message });
    }
    return problems;
  },
};
