import { register } from 'node:module';
import { parse } from 'yaml';
import { isGithubWorkflow } from './shell.js';
import type { ArtifactValidator, ValidationProblem } from './types.js';

type Json = Record<string, unknown>;
const isObject = (value: unknown): value is Json => typeof value === 'object' && value !== null && !Array.isArray(value);
const asArray = (value: unknown): unknown[] => (Array.isArray(value) ? value : value === undefined ? [] : [value]);

// ---------------------------------------------------------------------------------------------
// GitHub's own parser. It imports its JSON schemas without import attributes, which plain Node
// refuses, so a tiny loader hook serves .json files as JSON modules (vitest needs no hook, and it
// does no harm there).

const JSON_HOOK = `
import { readFile } from 'node:fs/promises';
export async function load(url, context, nextLoad) {
  if (url.startsWith('file:') && url.endsWith('.json')) {
    return { format: 'json', source: await readFile(new URL(url), 'utf8'), shortCircuit: true };
  }
  return nextLoad(url, context);
}`;

type WorkflowParser = typeof import('@actions/workflow-parser');
type Convert = typeof import('@actions/workflow-parser/model/convert');
let parser: Promise<[WorkflowParser, Convert]> | undefined;

function loadParser(): Promise<[WorkflowParser, Convert]> {
  if (!parser) {
    register(`data:text/javascript,${encodeURIComponent(JSON_HOOK)}`);
    parser = Promise.all([import('@actions/workflow-parser'), import('@actions/workflow-parser/model/convert')]);
  }
  return parser;
}

/** Schema, expressions, job graph: what GitHub itself would reject when the workflow is pushed. */
async function parserErrors(file: string, text: string): Promise<string[]> {
  const [{ parseWorkflow, convertWorkflowTemplate, NoOperationTraceWriter }, { ErrorPolicy }] = await loadParser();
  const parsed = parseWorkflow({ name: file, content: text }, new NoOperationTraceWriter());
  const messages = parsed.context.errors.getErrors().map((e) => e.message);
  if (parsed.value) {
    const template = await convertWorkflowTemplate(parsed.context, parsed.value, undefined, { errorPolicy: ErrorPolicy.TryConversion });
    for (const error of template.errors ?? []) if (!messages.includes(error.Message)) messages.push(error.Message);
  }
  return messages;
}

// ---------------------------------------------------------------------------------------------
// Policy: what GitHub accepts but Slipway does not generate (the seeds' defects among them).

/** Majors below these are deprecated or retired (old Node runtimes, shut-down artifact and cache services). */
const MINIMUM_MAJOR: Readonly<Record<string, number>> = {
  'actions/checkout': 4,
  'actions/setup-node': 4,
  'actions/setup-python': 5,
  'actions/upload-artifact': 4,
  'actions/download-artifact': 4,
  'actions/cache': 3,
  'github/codeql-action': 3,
  'azure/login': 2,
};
const FIRST_PARTY_OWNERS = new Set(['actions', 'github']);
const BRANCH_REFS = new Set(['main', 'master', 'develop', 'dev', 'trunk', 'head', 'latest', 'nightly', 'edge']);
const FULL_SHA = /^[0-9a-f]{40}$/;
// Attacker-controlled event fields: interpolated into a script they become code (script injection).
const UNTRUSTED = /\$\{\{[^}]*\b(github\.event\.(issue|pull_request|comment|review|review_comment|discussion|pages|commits|head_commit)\b[^}]*|github\.head_ref)[^}]*\}\}/;

interface UsesRef {
  readonly where: string;
  readonly uses: string;
}

function usesRefs(doc: Json): UsesRef[] {
  const refs: UsesRef[] = [];
  for (const [jobId, job] of Object.entries(isObject(doc['jobs']) ? doc['jobs'] : {})) {
    if (!isObject(job)) continue;
    if (typeof job['uses'] === 'string') refs.push({ where: `jobs.${jobId}`, uses: job['uses'] });
    asArray(job['steps']).forEach((step, index) => {
      if (isObject(step) && typeof step['uses'] === 'string') refs.push({ where: `jobs.${jobId}.steps[${index}]`, uses: step['uses'] });
    });
  }
  return refs;
}

/** The `# v1.2.3` comment after a SHA pin, read from the raw text (YAML parsing drops comments). */
function pinComment(text: string, uses: string): string | undefined {
  const line = text.split('\n').find((l) => l.includes(`uses: ${uses}`));
  return line?.match(/#\s*(v?\d[\w.-]*)/)?.[1];
}

function checkUses(text: string, doc: Json): string[] {
  const problems: string[] = [];
  for (const { where, uses } of usesRefs(doc)) {
    if (uses.startsWith('./')) continue;
    if (uses.startsWith('docker://')) {
      if (!/@sha256:[0-9a-f]{64}$/.test(uses) && (!/:[^/]+$/.test(uses) || uses.endsWith(':latest'))) {
        problems.push(`${where}: ${uses} is not pinned; use an exact tag or a digest`);
      }
      continue;
    }
    const at = uses.lastIndexOf('@');
    if (at < 0) {
      problems.push(`${where}: ${uses} has no version; pin it by the full commit SHA of a release, with a # vX.Y.Z comment`);
      continue;
    }
    const action = uses.slice(0, at);
    const ref = uses.slice(at + 1);
    const [owner = '', repo = ''] = action.toLowerCase().split('/');
    const key = `${owner}/${repo}`;
    if (BRANCH_REFS.has(ref.toLowerCase())) {
      problems.push(`${where}: ${uses} runs whatever is on the "${ref}" branch; pin a release (a full commit SHA with a # vX.Y.Z comment)`);
      continue;
    }
    const version = FULL_SHA.test(ref) ? pinComment(text, uses) : ref;
    const major = version?.match(/^v?(\d+)/)?.[1];
    const minimum = MINIMUM_MAJOR[key];
    if (minimum !== undefined && major !== undefined && Number(major) < minimum) {
      problems.push(`${where}: ${uses} is a deprecated major version of ${key}; use v${minimum} or later (the current major)`);
    }
    // Tags move (a compromised or retagged release runs in every workflow); only a commit SHA is immutable.
    if (!FULL_SHA.test(ref)) {
      const kind = FIRST_PARTY_OWNERS.has(owner) ? 'first-party' : 'third-party';
      problems.push(`${where}: ${kind} action ${uses} is not pinned by commit SHA; a tag can be moved, so use the full 40-hex SHA of the release with a # vX.Y.Z comment`);
    } else if (version === undefined) {
      problems.push(`${where}: ${uses} is pinned by SHA without the release it is; add a # vX.Y.Z comment so it can be reviewed and bumped`);
    }
  }
  return problems;
}

/** A job's effective permissions: its own block, or the workflow's. */
function permissionsOf(doc: Json, job: Json): unknown {
  return job['permissions'] ?? doc['permissions'];
}

function grants(permissions: unknown, scope: string): boolean {
  if (permissions === 'write-all') return true;
  return isObject(permissions) && permissions[scope] === 'write';
}

function checkPermissions(doc: Json, jobs: Array<[string, Json]>): string[] {
  const problems: string[] = [];
  if (doc['permissions'] === undefined && jobs.some(([, job]) => job['permissions'] === undefined)) {
    problems.push('permissions are not declared, so jobs get the repository default token scopes; add `permissions: contents: read` at the top and grant more only on the jobs that need it');
  }
  if (doc['permissions'] === 'write-all') problems.push('permissions: write-all grants every scope; grant only what each job needs');
  if (isObject(doc['permissions']) && jobs.length > 1) {
    for (const [scope, level] of Object.entries(doc['permissions'])) {
      if (level === 'write') problems.push(`permissions: ${scope}: write is granted to every job; grant it on the job that needs it`);
    }
  }
  for (const [jobId, job] of jobs) {
    if (job['permissions'] === 'write-all') problems.push(`jobs.${jobId}: permissions: write-all grants every scope; grant only what the job needs`);
    asArray(job['steps']).forEach((step, index) => {
      if (!isObject(step) || typeof step['uses'] !== 'string' || !/^azure\/login@/i.test(step['uses'])) return;
      const inputs = isObject(step['with']) ? step['with'] : {};
      if (inputs['creds'] !== undefined) {
        problems.push(`jobs.${jobId}.steps[${index}]: azure/login with creds stores a long-lived service principal secret; use OIDC (client-id, tenant-id, subscription-id) with id-token: write`);
      } else if (!grants(permissionsOf(doc, job), 'id-token')) {
        problems.push(`jobs.${jobId}.steps[${index}]: azure/login over OIDC needs \`id-token: write\` in the job's permissions`);
      }
    });
  }
  return problems;
}

function runScripts(job: Json): string[] {
  return asArray(job['steps']).flatMap((step) => (isObject(step) && typeof step['run'] === 'string' ? [step['run']] : []));
}

const GITHUB_ENV_WRITE = /\b([A-Za-z_][A-Za-z0-9_]*)=[^\n]*>>\s*"?\$\{?GITHUB_ENV\b/g;

/** Environment variables a job defines itself: job and step `env:`, and its own GITHUB_ENV writes. */
function definedIn(job: Json): Set<string> {
  const names = new Set<string>(isObject(job['env']) ? Object.keys(job['env']) : []);
  for (const step of asArray(job['steps'])) if (isObject(step) && isObject(step['env'])) for (const name of Object.keys(step['env'])) names.add(name);
  for (const script of runScripts(job)) for (const match of script.matchAll(GITHUB_ENV_WRITE)) names.add(match[1]!);
  return names;
}

function reads(job: Json, name: string): boolean {
  const inExpressions = new RegExp(`\\benv\\.${name}\\b`).test(JSON.stringify(job));
  const inScripts = runScripts(job).some((script) => new RegExp(`\\$\\{?${name}\\b`).test(script));
  return inExpressions || inScripts;
}

/** GITHUB_ENV lasts for the rest of one job; a value another job reads from it is empty there (seed 000's IMAGE_TAG). */
function checkCrossJobEnv(doc: Json, jobs: Array<[string, Json]>): string[] {
  const workflowEnv = new Set(isObject(doc['env']) ? Object.keys(doc['env']) : []);
  const writers = new Map<string, string[]>();
  for (const [jobId, job] of jobs) {
    for (const script of runScripts(job)) {
      for (const match of script.matchAll(GITHUB_ENV_WRITE)) writers.set(match[1]!, [...(writers.get(match[1]!) ?? []), jobId]);
    }
  }
  const problems: string[] = [];
  for (const [name, writerJobs] of writers) {
    for (const [jobId, job] of jobs) {
      if (writerJobs.includes(jobId) || workflowEnv.has(name) || definedIn(job).has(name) || !reads(job, name)) continue;
      problems.push(
        `jobs.${jobId} reads ${name}, which jobs.${writerJobs.join(', jobs.')} wrote to GITHUB_ENV; environment variables do not cross jobs, so pass it through job outputs (needs.<job>.outputs.${name})`,
      );
    }
  }
  return problems;
}

/** The needs context holds direct dependencies only: `needs.build` in a job that does not list build is empty. */
function checkNeeds(jobs: Array<[string, Json]>): string[] {
  const problems: string[] = [];
  for (const [jobId, job] of jobs) {
    const needs = new Set(asArray(job['needs']).map(String));
    const { needs: _declared, ...rest } = job;
    const used = new Set([...JSON.stringify(rest).matchAll(/\bneeds\.([A-Za-z_][A-Za-z0-9_-]*)/g)].map((m) => m[1]!));
    for (const name of used) {
      if (!needs.has(name)) problems.push(`jobs.${jobId} reads needs.${name} but does not list ${name} in needs:, so it is empty there`);
    }
  }
  return problems;
}

function checkScriptInjection(jobs: Array<[string, Json]>): string[] {
  const problems: string[] = [];
  for (const [jobId, job] of jobs) {
    for (const script of runScripts(job)) {
      const match = script.match(UNTRUSTED);
      if (match) problems.push(`jobs.${jobId}: ${match[0]} is interpolated into a script (script injection); pass it through env: and use "$VAR"`);
    }
  }
  return problems;
}

/** A step that publishes an image: build-push-action with `push` on, or a push in a script. */
function pushesImage(step: Json): boolean {
  if (typeof step['uses'] === 'string' && /^docker\/build-push-action@/i.test(step['uses'])) {
    const push = isObject(step['with']) ? step['with']['push'] : undefined;
    return push !== undefined && String(push) !== 'false';
  }
  return typeof step['run'] === 'string' && /\b(docker|podman)\s+(image\s+)?push\b|\bbuildx\s+build\b.*--push\b|\baz\s+acr\s+build\b/.test(step['run']);
}

/** A step that fails the job on image vulnerabilities (Trivy's exit code defaults to 0: report only). */
function gatesOnImageScan(step: Json): boolean {
  if (step['continue-on-error'] !== undefined && String(step['continue-on-error']) !== 'false') return false;
  if (typeof step['uses'] === 'string' && /^aquasecurity\/trivy-action@/i.test(step['uses'])) {
    const inputs = isObject(step['with']) ? step['with'] : {};
    return String(inputs['scan-type'] ?? 'image') === 'image' && String(inputs['exit-code'] ?? '0') !== '0';
  }
  return typeof step['run'] === 'string' && /\btrivy\s+image\b.*--exit-code[\s=]+[1-9]/.test(step['run']);
}

/** An image reaches the registry (and whoever pulls from it) only after a scan in the same job has passed. */
function checkScanBeforePush(jobs: Array<[string, Json]>): string[] {
  const problems: string[] = [];
  for (const [jobId, job] of jobs) {
    let scanned = false;
    asArray(job['steps']).forEach((step, index) => {
      if (!isObject(step)) return;
      if (gatesOnImageScan(step)) scanned = true;
      else if (!scanned && pushesImage(step)) {
        problems.push(
          `jobs.${jobId}.steps[${index}] pushes the image before a vulnerability scan gates it; build it locally (load: true, push: false), scan it (Trivy, severity HIGH,CRITICAL, exit-code: 1), then push`,
        );
      }
    });
  }
  return problems;
}

const MIGRATION_URL = 'DATABASE_MIGRATION_URL';
/** A step that runs the migration: `npm run migrate`, `nx affected -t migrate`, `node dist/migrate.js`. */
const RUNS_MIGRATION = /\bmigrat(e|ion)\b/i;

/** The database owner's URL reaches the migration step only: not the workflow, a whole job, or another step. */
function checkMigrationCredential(doc: Json, jobs: Array<[string, Json]>): string[] {
  const problems: string[] = [];
  const sets = (env: unknown): boolean => isObject(env) && MIGRATION_URL in env;
  if (sets(doc['env'])) problems.push(`env sets ${MIGRATION_URL} (the database owner) for every job; set it on the migration step only`);
  for (const [id, job] of jobs) {
    if (sets(job['env'])) problems.push(`jobs.${id}.env sets ${MIGRATION_URL} (the database owner) for every step, tests included; set it on the migration step only`);
    asArray(job['steps'])
      .filter(isObject)
      .forEach((step, index) => {
        if (sets(step['env']) && !RUNS_MIGRATION.test(String(step['run'] ?? ''))) {
          problems.push(`jobs.${id}.steps[${index}] gets ${MIGRATION_URL} (the database owner) but does not run the migration; only the migration step may`);
        }
      });
  }
  return problems;
}

/** Slipway's policy checks on one workflow; empty when it complies. */
export function workflowPolicyProblems(text: string): string[] {
  let doc: unknown;
  try {
    doc = parse(text);
  } catch {
    return []; // The parser reports the syntax error.
  }
  if (!isObject(doc)) return [];
  const jobs = Object.entries(isObject(doc['jobs']) ? doc['jobs'] : {}).filter((entry): entry is [string, Json] => isObject(entry[1]));
  return [...checkUses(text, doc), ...checkPermissions(doc, jobs), ...checkCrossJobEnv(doc, jobs), ...checkNeeds(jobs), ...checkScriptInjection(jobs), ...checkScanBeforePush(jobs), ...checkMigrationCredential(doc, jobs)];
}

/** GitHub Actions workflows: GitHub's own parser (@actions/workflow-parser), then Slipway's policy. */
export const githubWorkflowValidator: ArtifactValidator = {
  name: 'GitHub workflow (@actions/workflow-parser + policy)',
  appliesTo: isGithubWorkflow,
  async validate(files) {
    const problems: ValidationProblem[] = [];
    for (const [file, text] of files) {
      if (!this.appliesTo(file)) continue;
      for (const message of await parserErrors(file, text)) problems.push({ file, message });
      for (const message of workflowPolicyProblems(text)) problems.push({ file, message });
    }
    return problems;
  },
};
