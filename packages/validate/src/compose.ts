import { execFile } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { Ajv2019 } from 'ajv/dist/2019.js';
import type { ValidateFunction } from 'ajv';
import { isMap, isSeq, parseDocument, stringify } from 'yaml';
import { ownerCredentialProblems } from './compose-credentials.js';
import { describeSchemaErrors } from './schema-errors.js';
import type { ArtifactValidator, ValidationProblem } from './types.js';

/**
 * Compose files, three ways:
 * - the Compose Specification JSON schema bundled with dclint, with ajv: typos and wrong types;
 * - `docker-compose config -q` (v1, from Debian): interpolation, undefined depends_on targets and
 *   volumes, build contexts that do not exist;
 * - policy: no `version` key, no literal secrets, depends_on targets exist and the healthy ones have
 *   a health check, named volumes and secrets are declared, third-party images are pinned by digest,
 *   a Redis with a password has a health check that authenticates, and only a one-shot migration
 *   service gets the database owner's credential (compose-credentials.ts).
 */

const require = createRequire(import.meta.url);

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
type JsonObject = { [key: string]: Json };

function isObject(value: Json | undefined): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

let schemaValidator: ValidateFunction | undefined;

/** dclint's copy of the Compose Specification schema; it is not in the package's exports, so read it by path. */
function composeSchema(): ValidateFunction {
  if (!schemaValidator) {
    const path = join(dirname(require.resolve('dclint/package.json')), 'schemas/compose.schema.json');
    const { $schema: _draft, ...schema } = JSON.parse(readFileSync(path, 'utf8')) as Record<string, unknown>;
    schemaValidator = new Ajv2019({ strict: false, allErrors: true, allowUnionTypes: true }).compile(schema);
  }
  return schemaValidator;
}

// Names that hold credentials; their values must come from the environment.
const SECRET_NAME = /PASSWORD|PASSWD|SECRET|TOKEN|API_?KEY|PRIVATE_?KEY|ACCESS_?KEY|CREDENTIAL|(^|_)KEY$/i;
/** `${NAME}`, `${NAME:?message}` or `${NAME?message}`: a value only the environment supplies. */
const REQUIRED_REFERENCE = /^\$\{[A-Za-z_][A-Za-z0-9_]*(?::?\?[^}]*)?\}$/;
const DEFAULTED_REFERENCE = /^\$\{[A-Za-z_][A-Za-z0-9_]*:?-(.+)\}$/;
/** `scheme://user:password@` in a URL. */
const URL_PASSWORD = /[a-z][a-z0-9+.-]*:\/\/[^:/@\s]*:([^@\s]+)@/i;

/** A service's environment (or build args) as name → value, from either the map or the list form. */
function entries(value: Json | undefined): Array<[string, string | undefined]> {
  if (Array.isArray(value)) {
    return value.map((item) => {
      const text = String(item);
      const eq = text.indexOf('=');
      return eq === -1 ? [text, undefined] : [text.slice(0, eq), text.slice(eq + 1)];
    });
  }
  if (isObject(value)) return Object.entries(value).map(([k, v]) => [k, v === null ? undefined : String(v)]);
  return [];
}

function literalSecretProblems(where: string, name: string, value: string | undefined): string[] {
  if (value === undefined || value === '') return [];
  const problems: string[] = [];
  if (SECRET_NAME.test(name) && !REQUIRED_REFERENCE.test(value)) {
    const defaulted = DEFAULTED_REFERENCE.exec(value);
    problems.push(
      defaulted
        ? `${where}.${name} falls back to a literal secret (${value}); require it instead: \${${name}:?set ${name}}`
        : `${where}.${name} is a literal secret; take it from the environment: \${${name}:?set ${name}}`,
    );
  }
  const password = URL_PASSWORD.exec(value)?.[1];
  if (password !== undefined && !REQUIRED_REFERENCE.test(password)) {
    problems.push(
      `${where}.${name} has a literal password in its URL; write the password part as a variable, e.g. \${POSTGRES_PASSWORD:?set POSTGRES_PASSWORD}`,
    );
  }
  return problems;
}

/** `name:/path[:ro]` or `{type: volume, source: name}` → the named volume, if the mount is one. */
function namedVolume(mount: Json): string | undefined {
  if (typeof mount === 'string') {
    const source = mount.split(':')[0] ?? '';
    return mount.includes(':') && /^[A-Za-z0-9][A-Za-z0-9_.-]*$/.test(source) ? source : undefined;
  }
  if (isObject(mount) && (mount['type'] ?? 'volume') === 'volume' && typeof mount['source'] === 'string') return mount['source'];
  return undefined;
}

function dependencies(service: JsonObject): Array<{ name: string; condition: string }> {
  const dependsOn = service['depends_on'];
  if (Array.isArray(dependsOn)) return dependsOn.map((name) => ({ name: String(name), condition: 'service_started' }));
  if (isObject(dependsOn)) {
    return Object.entries(dependsOn).map(([name, spec]) => ({
      name,
      condition: isObject(spec) && typeof spec['condition'] === 'string' ? spec['condition'] : 'service_started',
    }));
  }
  return [];
}

function secretNames(value: Json | undefined): string[] {
  return Array.isArray(value) ? value.map((s) => (isObject(s) ? String(s['source']) : String(s))) : [];
}

function commandText(value: Json | undefined): string {
  return Array.isArray(value) ? value.map(String).join(' ') : typeof value === 'string' ? value : '';
}

function imageProblems(where: string, image: string): string[] {
  if (image.startsWith('${')) return [];
  const [reference = ''] = image.split('@');
  const tag = reference.lastIndexOf(':') > reference.lastIndexOf('/') ? reference.slice(reference.lastIndexOf(':') + 1) : undefined;
  const problems: string[] = [];
  if (tag === undefined || tag === 'latest') problems.push(`${where}.image "${image}" needs a version tag (not latest)`);
  if (!/@sha256:[0-9a-f]{64}$/.test(image)) problems.push(`${where}.image "${image}" is not pinned by digest; append @sha256:<digest>`);
  return problems;
}

/** The container port of a `ports:` entry: `"127.0.0.1:8080:3000/tcp"` → 3000, `{ target: 3000 }` → 3000. */
function containerPort(entry: Json): number | undefined {
  if (isObject(entry)) return Number(entry['target']);
  if (typeof entry !== 'string' && typeof entry !== 'number') return undefined;
  return Number(String(entry).split('/')[0]!.split(':').pop());
}

/** The runtime's ops port (OPS_PORT: /metrics, /readyz) stays inside the compose network, for Prometheus and health checks. */
function opsPortProblems(where: string, service: JsonObject): string[] {
  const ops = Number(entries(service['environment']).find(([key]) => key === 'OPS_PORT')?.[1]);
  if (!Number.isInteger(ops)) return [];
  const published = (Array.isArray(service['ports']) ? service['ports'] : []).some((entry) => containerPort(entry) === ops);
  return published
    ? [
        `${where}.ports publishes the ops port ${ops} (OPS_PORT: /metrics, /readyz) on the host; leave it unpublished, Prometheus reaches it inside the compose network`,
      ]
    : [];
}

/** The Slipway policy checks on one parsed compose file. */
export function composePolicyProblems(doc: JsonObject): string[] {
  const problems: string[] = [];
  if ('version' in doc) problems.push('the top-level "version" key is obsolete under the Compose Specification; remove it');
  const services = isObject(doc['services']) ? doc['services'] : {};
  const declaredVolumes = new Set(Object.keys(isObject(doc['volumes']) ? doc['volumes'] : {}));
  const declaredSecrets = new Set(Object.keys(isObject(doc['secrets']) ? doc['secrets'] : {}));
  for (const [name, raw] of Object.entries(services)) {
    if (!isObject(raw)) continue;
    const where = `services.${name}`;
    const build = isObject(raw['build']) ? raw['build'] : undefined;
    for (const [key, value] of entries(raw['environment'])) problems.push(...literalSecretProblems(`${where}.environment`, key, value));
    for (const [key, value] of entries(build?.['args'])) problems.push(...literalSecretProblems(`${where}.build.args`, key, value));
    if (typeof raw['image'] === 'string' && raw['build'] === undefined) problems.push(...imageProblems(where, raw['image']));
    for (const { name: target, condition } of dependencies(raw)) {
      const dependency = services[target];
      if (!isObject(dependency)) {
        problems.push(`${where}.depends_on names "${target}", which is not a service in this file (services: ${Object.keys(services).join(', ')})`);
      } else if (condition === 'service_healthy') {
        const check = dependency['healthcheck'];
        if (!isObject(check) || check['disable'] === true) {
          problems.push(`${where} waits for "${target}" to be healthy, but ${target} defines no healthcheck here, so it would wait forever or fail`);
        }
      }
    }
    for (const mount of Array.isArray(raw['volumes']) ? raw['volumes'] : []) {
      const volume = namedVolume(mount);
      if (volume !== undefined && !declaredVolumes.has(volume))
        problems.push(`${where}.volumes uses the named volume "${volume}", which the top-level volumes do not declare`);
    }
    for (const secret of [...secretNames(raw['secrets']), ...secretNames(build?.['secrets'])]) {
      if (!declaredSecrets.has(secret)) problems.push(`${where} uses the secret "${secret}", which the top-level secrets do not declare`);
    }
    problems.push(...opsPortProblems(where, raw));
    const command = commandText(raw['command']);
    if (/--requirepass\b/.test(command)) {
      const test = isObject(raw['healthcheck']) ? commandText(raw['healthcheck']['test']) : '';
      if (!/REDISCLI_AUTH|(^|\s)-a\s|--pass\b|--askpass\b|--user\b/.test(test)) {
        problems.push(
          `${where} sets --requirepass but its healthcheck does not authenticate (use REDISCLI_AUTH or redis-cli -a), so it reports NOAUTH, never healthy`,
        );
      }
    }
  }
  problems.push(...ownerCredentialProblems(services));
  return problems;
}

// --- docker-compose v1 -----------------------------------------------------------------------

/**
 * Keys valid under the Compose Specification that docker-compose 1.29 rejects, removed from the
 * copy it checks (the schema and the policy still see them): top-level `name`, `develop`,
 * `healthcheck.start_interval`, `build.secrets` and `deploy.resources.limits.pids`.
 */
function withoutV1UnsupportedKeys(doc: JsonObject): JsonObject {
  const copy = structuredClone(doc);
  delete copy['name'];
  for (const service of Object.values(isObject(copy['services']) ? copy['services'] : {})) {
    if (!isObject(service)) continue;
    delete service['develop'];
    if (isObject(service['healthcheck'])) delete service['healthcheck']['start_interval'];
    if (isObject(service['build'])) delete service['build']['secrets'];
    const deploy = service['deploy'];
    if (isObject(deploy) && isObject(deploy['resources']) && isObject(deploy['resources']['limits'])) delete deploy['resources']['limits']['pids'];
  }
  return copy;
}

function run(command: string, args: readonly string[], cwd: string, env: NodeJS.ProcessEnv): Promise<{ code: number; output: string } | undefined> {
  return new Promise((resolve) => {
    execFile(command, args, { cwd, env }, (error, stdout, stderr) => {
      if ((error as NodeJS.ErrnoException | null)?.code === 'ENOENT') resolve(undefined);
      else resolve({ code: error ? Number(error.code ?? 1) : 0, output: `${stdout}${stderr}` });
    });
  });
}

/** Enough folders above the file that `../..` contexts stay inside the scratch directory. */
const NESTING = ['w1', 'w2', 'w3', 'w4'];

/**
 * `docker-compose config -q` on one file, in a scratch directory that has the build contexts it
 * names, with a placeholder for every variable it requires. Resolves to undefined when v1 is not
 * installed (CI installs it; see the spec).
 */
export async function composeCliProblems(doc: JsonObject): Promise<string[] | undefined> {
  const scratch = mkdtempSync(join(tmpdir(), 'slipway-compose-'));
  try {
    const dir = join(scratch, ...NESTING);
    mkdirSync(dir, { recursive: true });
    const v1 = withoutV1UnsupportedKeys(doc);
    for (const service of Object.values(isObject(v1['services']) ? v1['services'] : {})) {
      if (!isObject(service)) continue;
      const build = service['build'];
      const context = typeof build === 'string' ? build : isObject(build) && typeof build['context'] === 'string' ? build['context'] : undefined;
      if (context !== undefined && !context.includes('$') && !/^[a-z]+:\/\//.test(context)) mkdirSync(join(dir, context), { recursive: true });
    }
    // docker-compose 1.29 reads YAML 1.1: strings such as `yes` or `on` must come out quoted for it.
    const text = stringify(v1, { version: '1.1' });
    writeFileSync(join(dir, 'compose.yaml'), text);
    const required = [...text.matchAll(/\$\{([A-Za-z_][A-Za-z0-9_]*):?\?/g)].map((m) => m[1]!);
    const env: NodeJS.ProcessEnv = { PATH: process.env['PATH'], HOME: scratch, ...Object.fromEntries(required.map((v) => [v, 'validator-placeholder'])) };
    const result = await run('docker-compose', ['-f', 'compose.yaml', 'config', '-q'], dir, env);
    if (result === undefined) return undefined;
    if (result.code === 0) return [];
    return result.output
      .split('\n')
      .map((line) => line.trim())
      .filter((line) => line !== '' && !/is invalid because:$/.test(line))
      .map((line) => `docker-compose config: ${line.replaceAll(scratch, '<scratch>')}`);
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
}

/** Every problem in one compose file's text. */
export async function composeProblems(text: string): Promise<string[]> {
  const parsed = parseDocument(text, { uniqueKeys: true });
  if (parsed.errors.length > 0) return parsed.errors.map((e) => `YAML: ${e.message}`);
  if (!isMap(parsed.contents) && !isSeq(parsed.contents)) return ['not a YAML mapping'];
  const doc = parsed.toJS() as Json;
  if (!isObject(doc)) return ['a compose file must be a mapping with a "services" key'];
  const validate = composeSchema();
  const schema = validate(doc) ? [] : describeSchemaErrors(validate.errors).map((line) => `compose schema: ${line}`);
  const cli = (await composeCliProblems(doc)) ?? [];
  return [...schema, ...composePolicyProblems(doc), ...cli];
}

export const composeValidator: ArtifactValidator = {
  name: 'compose schema (dclint) + docker-compose config + compose policy',
  tools: [{ command: 'docker-compose', install: 'apt-get install docker-compose (v1, what CI runs)', part: 'docker-compose config' }],
  appliesTo: (path) => /(^|\/)(docker-)?compose(\.[A-Za-z0-9_-]+)*\.ya?ml$/.test(path),
  async validate(files) {
    const checks = [...files]
      .filter(([path]) => this.appliesTo(path))
      .map(async ([file, text]): Promise<ValidationProblem[]> => (await composeProblems(text)).map((message) => ({ file, message })));
    return (await Promise.all(checks)).flat();
  },
};
