import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join, posix } from 'node:path';
import { Ajv, type ValidateFunction } from 'ajv';
import { parse as parseYaml } from 'yaml';
import { schemasDir } from './schemas-dir.js';
import { describeSchemaErrors } from './schema-errors.js';
import type { ArtifactValidator, ValidationProblem } from './types.js';

// tree-sitter and its Bicep grammar are native CommonJS modules.
const require = createRequire(import.meta.url);

/**
 * The official ARM resource schemas, vendored in the repository (provenance: schemas/vendor/PROVENANCE.md).
 * SLIPWAY_ARM_SCHEMAS overrides the location.
 */
export const armSchemasDir = process.env['SLIPWAY_ARM_SCHEMAS'] ?? join(schemasDir, 'vendor', 'arm');

/**
 * Resource types Slipway generates that have no vendored schema (Microsoft.Network is not
 * vendored). Their bodies are not checked; `uncheckedResourceTypes` names them so callers can say so.
 */
export const typesWithoutSchema: ReadonlySet<string> = new Set([
  'Microsoft.Network/virtualNetworks@2024-05-01',
  'Microsoft.Network/privateDnsZones@2024-06-01',
  'Microsoft.Network/privateDnsZones/virtualNetworkLinks@2024-06-01',
  'Microsoft.Network/privateEndpoints@2024-05-01',
  'Microsoft.Network/privateEndpoints/privateDnsZoneGroups@2024-05-01',
]);

// ---------------------------------------------------------------------------------------------
// tree-sitter

interface SyntaxNode {
  readonly type: string;
  readonly text: string;
  readonly isNamed: boolean;
  readonly isMissing: boolean;
  readonly startPosition: { row: number; column: number };
  readonly startIndex: number;
  readonly endIndex: number;
  readonly previousNamedSibling: SyntaxNode | null;
  readonly children: SyntaxNode[];
  readonly namedChildren: SyntaxNode[];
  readonly parent: SyntaxNode | null;
}

interface Parser {
  parse(text: string): { rootNode: SyntaxNode };
}

let parser: Parser | undefined;

function bicepParser(): Parser {
  if (!parser) {
    const TreeSitter = require('tree-sitter') as new () => Parser & { setLanguage(language: unknown): void };
    const instance = new TreeSitter();
    instance.setLanguage(require('tree-sitter-bicep'));
    parser = instance;
  }
  return parser;
}

const at = (node: SyntaxNode): string => `line ${node.startPosition.row + 1}`;

// The bindings hand out a new wrapper object per access, so nodes are compared by their span.
const same = (a: SyntaxNode | null | undefined, b: SyntaxNode): boolean =>
  a !== null && a !== undefined && a.startIndex === b.startIndex && a.endIndex === b.endIndex && a.type === b.type;

function walk(node: SyntaxNode, visit: (node: SyntaxNode) => void): void {
  visit(node);
  for (const child of node.children) walk(child, visit);
}

/** Symbols a Bicep file declares, and facts the checks need. */
export interface BicepFile {
  readonly path: string;
  readonly root: SyntaxNode;
  readonly params: Map<string, { node: SyntaxNode; secure: boolean; hasDefault: boolean }>;
  readonly declared: Set<string>;
}

const DECLARATIONS = new Set([
  'parameter_declaration',
  'variable_declaration',
  'resource_declaration',
  'module_declaration',
  'output_declaration',
  'type_declaration',
  'user_defined_function',
  'metadata_declaration',
]);

function decoratorsOf(node: SyntaxNode): string[] {
  const previous = node.previousNamedSibling;
  if (previous?.type !== 'decorators') return [];
  return previous.namedChildren.map((d) => d.namedChildren[0]?.namedChildren[0]?.text ?? d.text);
}

export function parseBicepFile(path: string, text: string): BicepFile {
  const root = bicepParser().parse(text).rootNode;
  const params = new Map<string, { node: SyntaxNode; secure: boolean; hasDefault: boolean }>();
  const declared = new Set<string>();
  walk(root, (node) => {
    if (!DECLARATIONS.has(node.type)) return;
    const name = node.namedChildren.find((c) => c.type === 'identifier');
    if (!name) return;
    declared.add(name.text);
    if (node.type === 'parameter_declaration') {
      const hasDefault = node.children.some((c) => c.type === '=');
      params.set(name.text, { node, secure: decoratorsOf(node).includes('secure'), hasDefault });
    }
  });
  for (const child of root.namedChildren) {
    // `import { a, b } from 'x.bicep'` and `import * as ns from 'x.bicep'` declare symbols too.
    if (child.type === 'import_statement' || child.type === 'import_with_statement' || child.type === 'import_functionality') {
      walk(child, (n) => {
        if (n.type === 'identifier') declared.add(n.text);
      });
    }
  }
  return { path, root, params, declared };
}

// ---------------------------------------------------------------------------------------------
// 1. Syntax

function syntaxProblems(file: BicepFile): ValidationProblem[] {
  const problems: ValidationProblem[] = [];
  walk(file.root, (node) => {
    if (node.type === 'ERROR') problems.push({ file: file.path, message: `${at(node)}: syntax error near "${node.text.slice(0, 40).split('\n')[0]}"` });
    else if (node.isMissing) problems.push({ file: file.path, message: `${at(node)}: syntax error: missing ${node.type}` });
  });
  return problems;
}

// ---------------------------------------------------------------------------------------------
// 2. Every referenced symbol is declared

/** Bicep's built-in functions (sys and az namespaces), which need no declaration. */
const BUILTIN_FUNCTIONS = new Set(
  (
    'any array base64 base64ToJson base64ToString bool buildUri cidrHost cidrSubnet coalesce concat contains dataUri ' +
    'dataUriToString dateTimeAdd dateTimeFromEpoch dateTimeToEpoch deployer deployment empty endsWith environment ' +
    'extensionResourceId externalInput fail filter first flatten format getSecret groupBy guid indexOf int intersection ' +
    'items join json last lastIndexOf length loadDirectoryFileInfo loadFileAsBase64 loadJsonContent loadTextContent ' +
    'loadYamlContent managementGroup managementGroupResourceId map mapValues max min newGuid objectKeys padLeft parseCidr ' +
    'parseUri pickZones providers range readEnvironmentVariable reduce reference replace resourceGroup resourceId ' +
    'shallowMerge skip sort split startsWith string subscription subscriptionResourceId substring take tenant ' +
    'tenantResourceId toLogicalZone toLower toObject toPhysicalZone toUpper trim tryGet union uniqueString uri ' +
    'uriComponent uriComponentToString utcNow'
  ).split(' '),
);
const NAMESPACES = new Set(['sys', 'az']);

function isFunctionName(node: SyntaxNode): boolean {
  const parent = node.parent;
  return parent?.type === 'call_expression' && same(parent.namedChildren[0], node);
}

/** Identifiers that name something rather than refer to it: declarations, property keys, decorators, types. */
function isNotAReference(node: SyntaxNode): boolean {
  const parent = node.parent;
  if (!parent) return true;
  if (DECLARATIONS.has(parent.type) && same(parent.namedChildren.find((c) => c.type === 'identifier'), node)) return true;
  if (parent.type === 'object_property' && same(parent.namedChildren[0], node)) return true;
  if (parent.type === 'resource_expression' && !same(parent.namedChildren[0], node)) return true;
  for (let n: SyntaxNode | null = parent; n; n = n.parent) {
    if (n.type === 'decorator' || n.type === 'type' || n.type.endsWith('_type') || n.type.startsWith('import')) return true;
  }
  return false;
}

/** Loop variables and lambda parameters in scope at a node. */
function localNames(node: SyntaxNode): Set<string> {
  const names = new Set<string>();
  for (let n: SyntaxNode | null = node.parent; n; n = n.parent) {
    if (n.type === 'for_statement') {
      const first = n.namedChildren[0];
      if (first?.type === 'identifier') names.add(first.text);
      else if (first?.type === 'for_loop_parameters') for (const p of first.namedChildren) names.add(p.text);
    } else if (n.type === 'lambda_expression') {
      for (const p of n.namedChildren.slice(0, -1)) {
        if (p.type === 'identifier') names.add(p.text);
        else walk(p, (c) => c.type === 'identifier' && names.add(c.text));
      }
    }
  }
  return names;
}

function referenceProblems(file: BicepFile): ValidationProblem[] {
  const problems: ValidationProblem[] = [];
  walk(file.root, (node) => {
    if (node.type !== 'identifier' || isNotAReference(node)) return;
    const name = node.text;
    if (isFunctionName(node)) {
      if (!BUILTIN_FUNCTIONS.has(name) && !/^list\w*$/.test(name) && !file.declared.has(name)) {
        problems.push({ file: file.path, message: `${at(node)}: "${name}" is not a Bicep function or a declared func` });
      }
      return;
    }
    if (file.declared.has(name) || localNames(node).has(name)) return;
    if (NAMESPACES.has(name) && node.parent?.type === 'member_expression') return;
    problems.push({ file: file.path, message: `${at(node)}: "${name}" is not declared (no param, var, resource, module or loop variable has that name)` });
  });
  return problems;
}

// ---------------------------------------------------------------------------------------------
// 3. Resource types and API versions against the ARM schemas, and resource bodies against them

type Json = Record<string, unknown>;

interface SchemaEntry {
  readonly schemaId: string;
  readonly pointer: string;
  /** Resource-group scope (2) over tenant/subscription sections (1), then the more specific (longer) file name. */
  readonly rank: readonly [number, number];
}

interface ArmSchemas {
  readonly index: Map<string, SchemaEntry>;
  readonly versionsByType: Map<string, string[]>;
  validator(key: string): ValidateFunction;
}

let armSchemas: ArmSchemas | undefined;

/**
 * ARM schemas list properties without `additionalProperties`, so a typo passes. Every object schema
 * that lists properties is closed here, except members of `allOf` (closing those would reject the
 * properties the other members add).
 */
function closeObjects(schema: unknown, inAllOf = false): void {
  if (Array.isArray(schema)) {
    for (const item of schema) closeObjects(item, inAllOf);
    return;
  }
  if (typeof schema !== 'object' || schema === null) return;
  const node = schema as Json;
  const properties = node['properties'];
  if (!inAllOf && typeof properties === 'object' && properties !== null && Object.keys(properties).length > 0 && node['additionalProperties'] === undefined) {
    node['additionalProperties'] = false;
  }
  for (const [key, value] of Object.entries(node)) {
    if (key === 'properties' && typeof value === 'object' && value !== null) {
      for (const property of Object.values(value as Json)) closeObjects(property);
    } else {
      closeObjects(value, key === 'allOf');
    }
  }
}

/** Draft-04 → what ajv's default draft accepts: `id` becomes `$id`, and `$schema` goes. */
function loadArmFile(path: string): Json {
  const schema = JSON.parse(readFileSync(path, 'utf8')) as Json;
  const id = String(schema['id']);
  delete schema['id'];
  delete schema['$schema'];
  return { ...schema, $id: id };
}

function loadArmSchemas(): ArmSchemas {
  if (armSchemas) return armSchemas;
  if (!existsSync(armSchemasDir)) {
    throw new Error(`ARM schemas not found at ${armSchemasDir}: the vendored schemas are missing from this checkout (or set SLIPWAY_ARM_SCHEMAS).`);
  }
  const ajv = new Ajv({ allErrors: true, strict: false, validateFormats: false });
  ajv.addSchema(loadArmFile(join(armSchemasDir, 'common', 'definitions.json')));
  const index = new Map<string, SchemaEntry>();
  const versionsByType = new Map<string, string[]>();
  for (const version of readdirSync(armSchemasDir).filter((d) => /^\d{4}-\d{2}-\d{2}/.test(d)).sort()) {
    for (const fileName of readdirSync(join(armSchemasDir, version)).filter((f) => f.endsWith('.json')).sort()) {
      const schema = loadArmFile(join(armSchemasDir, version, fileName));
      closeObjects(schema['definitions']);
      for (const section of Object.keys(schema).filter((k) => k.endsWith('resourceDefinitions'))) {
        for (const [name, definition] of Object.entries(schema[section] as Record<string, Json>)) {
          closeObjects(definition);
          const props = definition['properties'] as Record<string, { enum?: string[] }> | undefined;
          const type = props?.['type']?.enum?.[0];
          const apiVersion = props?.['apiVersion']?.enum?.[0];
          if (!type || !apiVersion) continue;
          const key = `${type}@${apiVersion}`;
          const existing = index.get(key);
          // Resource-group scope wins over tenant/subscription sections. Where two files define a type
          // (Microsoft.App.json and Microsoft.App.ContainerApps.json), the more specific file wins: it
          // types ContainerResources.cpu as a number (see schemas/vendor/PROVENANCE.md).
          const rank = [section === 'resourceDefinitions' ? 2 : 1, fileName.length] as const;
          const better = !existing || rank[0] > existing.rank[0] || (rank[0] === existing.rank[0] && rank[1] > existing.rank[1]);
          if (better) index.set(key, { schemaId: String(schema['$id']), pointer: `#/${section}/${name}`, rank });
          versionsByType.set(type.toLowerCase(), [...new Set([...(versionsByType.get(type.toLowerCase()) ?? []), apiVersion])].sort());
        }
      }
      ajv.addSchema(schema);
    }
  }
  const compiled = new Map<string, ValidateFunction>();
  armSchemas = {
    index,
    versionsByType,
    validator(key) {
      let validate = compiled.get(key);
      if (!validate) {
        const entry = index.get(key)!;
        validate = ajv.compile({ $ref: `${entry.schemaId.replace(/#$/, '')}${entry.pointer}` });
        compiled.set(key, validate);
      }
      return validate;
    },
  };
  return armSchemas;
}

/** Placeholder for any Bicep expression: the form ARM schemas accept wherever a value may be computed. */
const EXPRESSION = '[expression]';

function stringValue(node: SyntaxNode): string {
  if (node.namedChildren.some((c) => c.type === 'interpolation')) return EXPRESSION;
  return node.namedChildren
    .map((c) => {
      if (c.type !== 'escape_sequence') return c.text;
      const escaped = c.text.slice(1);
      return ({ n: '\n', r: '\r', t: '\t' } as Record<string, string>)[escaped] ?? escaped;
    })
    .join('');
}

/** How expressions become JSON: vars are inlined, and a ternary takes one branch (both get checked). */
interface Conversion {
  readonly vars: ReadonlyMap<string, SyntaxNode>;
  readonly branch: 'then' | 'else';
  /** Set when a ternary with a literal branch was met, so the other branch is worth a second pass. */
  sawTernary?: boolean;
}

const LITERALS = new Set(['object', 'array', 'string', 'number', 'boolean', 'null']);

/**
 * An object literal as JSON. A reference to a `var` holding a literal is inlined; a ternary takes its
 * `then` or `else` branch (callers check both); any other expression becomes the placeholder, which ARM
 * schemas accept wherever a value may be computed. Nested resources are skipped.
 */
export function bicepToJson(node: SyntaxNode, conversion: Conversion = { vars: new Map(), branch: 'then' }, depth = 0): unknown {
  const recurse = (child: SyntaxNode): unknown => bicepToJson(child, conversion, depth + 1);
  switch (node.type) {
    case 'object': {
      const result: Json = {};
      for (const property of node.namedChildren.filter((c) => c.type === 'object_property')) {
        const [key, value] = property.namedChildren;
        if (!key || !value || key.type === 'resource_declaration') continue;
        const converted = recurse(value);
        // ARM drops a property whose value is null, as if it were not written.
        if (converted !== null) result[key.type === 'string' ? stringValue(key) : key.text] = converted;
      }
      return result;
    }
    case 'array':
      return node.namedChildren.filter((c) => c.type !== 'comment').map(recurse);
    case 'string':
      return stringValue(node);
    case 'number':
      return Number(node.text);
    case 'boolean':
      return node.text === 'true';
    case 'null':
      return null;
    case 'parenthesized_expression':
      return node.namedChildren[0] ? recurse(node.namedChildren[0]) : EXPRESSION;
    case 'identifier': {
      const value = conversion.vars.get(node.text);
      return value && depth < 20 && (LITERALS.has(value.type) || value.type === 'ternary_expression') ? recurse(value) : EXPRESSION;
    }
    case 'ternary_expression': {
      const [, whenTrue, whenFalse] = node.namedChildren;
      const chosen = conversion.branch === 'then' ? whenTrue : whenFalse;
      if (!chosen) return EXPRESSION;
      conversion.sawTernary = true;
      return recurse(chosen);
    }
    default:
      return EXPRESSION;
  }
}

function varsOf(file: BicepFile): Map<string, SyntaxNode> {
  const vars = new Map<string, SyntaxNode>();
  for (const node of file.root.namedChildren.filter((n) => n.type === 'variable_declaration')) {
    const [name, value] = [node.namedChildren.find((c) => c.type === 'identifier'), node.namedChildren[node.namedChildren.length - 1]];
    if (name && value) vars.set(name.text, value);
  }
  return vars;
}

/** The object literal of a resource or module: `= {…}`, `= if (…) {…}`, `= [for …: {…}]`. */
function bodyOf(declaration: SyntaxNode): SyntaxNode | undefined {
  let node = declaration.namedChildren[declaration.namedChildren.length - 1];
  while (node && node.type !== 'object') {
    if (node.type === 'for_statement' || node.type === 'if_statement' || node.type === 'array') node = node.namedChildren[node.namedChildren.length - 1];
    else return undefined;
  }
  return node;
}

// Bicep-only keys: ARM expresses them outside the resource body (or not at all).
const BICEP_ONLY_KEYS = ['parent', 'scope', 'dependsOn'];

interface ResourceUse {
  readonly node: SyntaxNode;
  readonly type: string;
  readonly apiVersion: string;
  readonly existing: boolean;
}

function resourcesOf(file: BicepFile): ResourceUse[] {
  const uses: ResourceUse[] = [];
  const visit = (node: SyntaxNode, parentType: string | undefined, parentVersion: string | undefined): void => {
    if (node.type === 'resource_declaration') {
      const typeString = node.namedChildren[1] ? stringValue(node.namedChildren[1]) : '';
      const [rawType = '', rawVersion] = typeString.split('@');
      const type = parentType && !rawType.includes('/') ? `${parentType}/${rawType}` : rawType;
      const apiVersion = rawVersion ?? parentVersion ?? '';
      uses.push({ node, type, apiVersion, existing: node.children.some((c) => c.type === 'existing') });
      for (const child of node.children) visit(child, type, apiVersion);
      return;
    }
    for (const child of node.children) visit(child, parentType, parentVersion);
  };
  visit(file.root, undefined, undefined);
  return uses;
}

function resourceProblems(file: BicepFile, unchecked: Set<string>): ValidationProblem[] {
  const problems: ValidationProblem[] = [];
  const schemas = loadArmSchemas();
  const vars = varsOf(file);
  for (const use of resourcesOf(file)) {
    const key = `${use.type}@${use.apiVersion}`;
    if (typesWithoutSchema.has(key)) {
      unchecked.add(key);
      continue;
    }
    if (!schemas.index.has(key)) {
      const known = schemas.versionsByType.get(use.type.toLowerCase());
      problems.push({
        file: file.path,
        message: `${at(use.node)}: no ARM schema for '${key}' in the vendored ARM schemas${known ? `; API versions with a schema: ${known.join(', ')}` : '; check the resource type for typos'}`,
      });
      continue;
    }
    if (use.existing) continue;
    const body = bodyOf(use.node);
    if (!body) continue;
    const validate = schemas.validator(key);
    const messages = new Set<string>();
    // Both sides of every ternary are checked: one pass takes the `then` branches, one the `else` branches.
    for (const branch of ['then', 'else'] as const) {
      const conversion: Conversion = { vars, branch };
      const json = bicepToJson(body, conversion) as Json;
      for (const bicepKey of BICEP_ONLY_KEYS) delete json[bicepKey];
      if (!validate({ ...json, type: use.type, apiVersion: use.apiVersion })) {
        for (const message of describeSchemaErrors(validate.errors)) messages.add(message);
      }
      if (!conversion.sawTernary) break;
    }
    for (const message of messages) problems.push({ file: file.path, message: `${at(use.node)}: ${key}: ${message}` });
  }
  return problems;
}

// ---------------------------------------------------------------------------------------------
// 4. Modules: the file exists, and the params passed are the params it declares

function moduleProblems(file: BicepFile, files: ReadonlyMap<string, BicepFile>): ValidationProblem[] {
  const problems: ValidationProblem[] = [];
  walk(file.root, (node) => {
    if (node.type !== 'module_declaration') return;
    const source = node.namedChildren[1] ? stringValue(node.namedChildren[1]) : '';
    if (/^(br|ts)[:/]/.test(source)) return;
    const target = files.get(posix.normalize(posix.join(posix.dirname(file.path), source)));
    if (!target) {
      problems.push({ file: file.path, message: `${at(node)}: module file '${source}' does not exist` });
      return;
    }
    const body = bodyOf(node);
    const paramsNode = body?.namedChildren.find((p) => p.type === 'object_property' && p.namedChildren[0]?.text === 'params')?.namedChildren[1];
    const passed = paramsNode?.type === 'object' ? Object.keys(bicepToJson(paramsNode) as Json) : undefined;
    if (!passed) return;
    for (const name of passed.filter((p) => !target.params.has(p))) {
      problems.push({ file: file.path, message: `${at(node)}: module '${source}' has no param "${name}"` });
    }
    for (const [name, param] of target.params) {
      if (!param.hasDefault && !passed.includes(name) && !param.node.text.includes('?')) {
        problems.push({ file: file.path, message: `${at(node)}: module '${source}' needs param "${name}", which is not passed` });
      }
    }
  });
  return problems;
}

// ---------------------------------------------------------------------------------------------
// 5. Policy

/** camelCase words of a name: `postgresAdminPassword` → postgres, admin, password. */
const words = (name: string): string[] => name.split(/(?<=[a-z0-9])(?=[A-Z])|[_-]/).map((w) => w.toLowerCase());

/**
 * A credential: the name ends in password/secret/key/token (so `keyVaultName` is not one, `apiKey` is)
 * or holds a connection string.
 */
export function looksLikeCredential(name: string): boolean {
  const last = words(name).at(-1) ?? '';
  return ['password', 'passwd', 'secret', 'key', 'keys', 'token', 'pat'].includes(last) || /connectionstring/i.test(name);
}

function policyProblems(file: BicepFile): ValidationProblem[] {
  const problems: ValidationProblem[] = [];
  for (const [name, param] of file.params) {
    if (looksLikeCredential(name) && !param.secure) {
      problems.push({ file: file.path, message: `${at(param.node)}: param "${name}" looks like a credential; mark it @secure() so it stays out of logs and deployment history` });
    }
  }
  walk(file.root, (node) => {
    if (node.type === 'string' && /shared_preload_libraries/.test(node.text)) {
      problems.push({
        file: file.path,
        message: `${at(node)}: shared_preload_libraries does not enable pgvector on Azure Database for PostgreSQL; allow-list it with a configurations child named 'azure.extensions' (value 'VECTOR') and run CREATE EXTENSION vector`,
      });
    }
  });
  return problems;
}

/** Both readings of a resource body (the `then` and `else` branches of its ternaries), as JSON. */
function bodyReadings(file: BicepFile, node: SyntaxNode): Json[] {
  const body = bodyOf(node);
  if (!body) return [];
  const vars = varsOf(file);
  const readings: Json[] = [];
  for (const branch of ['then', 'else'] as const) {
    const conversion: Conversion = { vars, branch };
    const json = bicepToJson(body, conversion);
    if (typeof json === 'object' && json !== null && !Array.isArray(json)) readings.push(json as Json);
    if (!conversion.sawTernary) break;
  }
  return readings;
}

const asJson = (value: unknown): Json => (typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Json) : {});
const objectAt = (value: unknown, key: string): Json => asJson(asJson(value)[key]);
const arrayAt = (value: unknown, key: string): unknown[] => {
  const child = asJson(value)[key];
  return Array.isArray(child) ? child : [];
};

/**
 * What a resource exposes: a Key Vault (it holds DATABASE_URL) must not be reachable from every network,
 * and a Container App whose runtime has an ops port (OPS_PORT: /metrics, /readyz) must not route the
 * ingress to it, and probes readiness there (the public port no longer serves /readyz).
 */
function exposureProblems(file: BicepFile): ValidationProblem[] {
  const problems = new Set<string>();
  for (const use of resourcesOf(file)) {
    if (use.existing) continue;
    const type = use.type.toLowerCase();
    for (const body of bodyReadings(file, use.node)) {
      const properties = objectAt(body, 'properties');
      if (type === 'microsoft.keyvault/vaults') {
        const closed = properties['publicNetworkAccess'] === 'Disabled' || objectAt(properties, 'networkAcls')['defaultAction'] === 'Deny';
        if (!closed) {
          problems.add(
            `${at(use.node)}: Key Vault is reachable from every network (publicNetworkAccess is not 'Disabled' and networkAcls.defaultAction is not 'Deny'); make it private (publicNetworkAccess: 'Disabled' with a private endpoint) or firewall it (networkAcls: { defaultAction: 'Deny', bypass: 'AzureServices' })`,
          );
        }
      }
      if (type === 'microsoft.app/containerapps') {
        const targetPort = objectAt(objectAt(properties, 'configuration'), 'ingress')['targetPort'];
        for (const container of arrayAt(objectAt(properties, 'template'), 'containers')) {
          const ops = arrayAt(container, 'env').find((e) => asJson(e)['name'] === 'OPS_PORT');
          const opsPort = Number(asJson(ops)['value']);
          if (!Number.isInteger(opsPort)) continue;
          if (targetPort === opsPort) {
            problems.add(`${at(use.node)}: ingress targetPort ${opsPort} is the ops port (OPS_PORT): /metrics and /readyz would be public; target the service port`);
          }
          for (const probe of arrayAt(container, 'probes')) {
            const port = objectAt(probe, 'httpGet')['port'];
            if (asJson(probe)['type'] === 'Readiness' && typeof port === 'number' && port !== opsPort) {
              problems.add(`${at(use.node)}: the readiness probe is on port ${port}, but with OPS_PORT=${opsPort} /readyz is served only on ${opsPort}`);
            }
          }
        }
      }
    }
  }
  return [...problems].map((message) => ({ file: file.path, message }));
}

/** Names that mark a database owner's credential: the server admin's, or the migration's. */
const OWNER = /admin|owner|migration/i;

function propertyValue(object: SyntaxNode, key: string): SyntaxNode | undefined {
  const property = object.namedChildren.find((p) => {
    const name = p.type === 'object_property' ? p.namedChildren[0] : undefined;
    return name !== undefined && (name.type === 'string' ? stringValue(name) : name.text) === key;
  });
  return property?.namedChildren[1];
}

/** The object literals an expression may evaluate to, through arrays, ternaries, parentheses and vars. */
function objectsOf(node: SyntaxNode | undefined, vars: ReadonlyMap<string, SyntaxNode>, depth = 0): SyntaxNode[] {
  if (!node || depth > 20) return [];
  const next = (child: SyntaxNode | undefined): SyntaxNode[] => objectsOf(child, vars, depth + 1);
  switch (node.type) {
    case 'object':
      return [node];
    case 'array':
      return node.namedChildren.flatMap(next);
    case 'ternary_expression':
      return node.namedChildren.slice(1).flatMap(next);
    case 'parenthesized_expression':
      return next(node.namedChildren[0]);
    case 'identifier':
      return next(vars.get(node.text));
    default:
      return [];
  }
}

/** The owner-like names an expression reads (params, vars, outputs, properties), not its string literals. */
function ownerNamesIn(node: SyntaxNode | undefined): string[] {
  const names = new Set<string>();
  if (node) walk(node, (n) => (n.type === 'identifier' || n.type === 'property_identifier') && OWNER.test(n.text) && names.add(n.text));
  return [...names];
}

const valueAt = (object: SyntaxNode | undefined, ...keys: string[]): SyntaxNode | undefined =>
  keys.reduce<SyntaxNode | undefined>((node, key) => (node?.type === 'object' ? propertyValue(node, key) : undefined), object);

const literal = (node: SyntaxNode | undefined): string => (node?.type === 'string' ? stringValue(node) : '');

/**
 * The serving container never gets the database owner: a Container App's containers take no
 * DATABASE_MIGRATION_URL and no secret or value built from the admin's or owner's credential (init
 * containers and Container Apps Jobs, the migration step, may), and a Key Vault secret built from the
 * admin's credential is named as the owner's, not handed out as the app's DATABASE_URL.
 */
function ownerCredentialProblems(file: BicepFile): ValidationProblem[] {
  const problems: ValidationProblem[] = [];
  const vars = varsOf(file);
  for (const use of resourcesOf(file).filter((u) => !u.existing)) {
    const body = bodyOf(use.node);
    if (use.type === 'Microsoft.KeyVault/vaults/secrets') {
      const name = literal(valueAt(body, 'name'));
      const fromOwner = ownerNamesIn(valueAt(body, 'properties', 'value'));
      if (name !== '' && !OWNER.test(name) && fromOwner.length > 0) {
        problems.push({
          file: file.path,
          message: `${at(use.node)}: Key Vault secret '${name}' is built from the database owner's credential (${fromOwner.join(', ')}); the app must connect as its own login: keep the owner's URL in a secret of its own (e.g. 'database-migration-url') for the migration step only`,
        });
      }
    }
    if (use.type !== 'Microsoft.App/containerApps') continue;
    const ownerSecrets = new Set<string>();
    for (const secret of objectsOf(valueAt(body, 'properties', 'configuration', 'secrets'), vars)) {
      const name = literal(propertyValue(secret, 'name'));
      if (OWNER.test(name) || ownerNamesIn(propertyValue(secret, 'keyVaultUrl')).length > 0 || ownerNamesIn(propertyValue(secret, 'value')).length > 0) ownerSecrets.add(name);
    }
    for (const container of objectsOf(valueAt(body, 'properties', 'template', 'containers'), vars)) {
      for (const env of objectsOf(propertyValue(container, 'env'), vars)) {
        const envName = literal(propertyValue(env, 'name')) || '?';
        const ref = literal(propertyValue(env, 'secretRef'));
        const owner = ownerNamesIn(propertyValue(env, 'value'));
        if (envName === 'DATABASE_MIGRATION_URL' || ownerSecrets.has(ref) || OWNER.test(ref) || owner.length > 0) {
          problems.push({
            file: file.path,
            message: `${at(env)}: the Container App's serving container gets the database owner's credential in ${envName}${ref ? ` (secret '${ref}')` : ''}${owner.length > 0 ? ` (${owner.join(', ')})` : ''}; give it the serving login's DATABASE_URL and run the migration with the owner's secret in a Container Apps Job or init container`,
          });
        }
      }
    }
  }
  return problems;
}

// ---------------------------------------------------------------------------------------------
// 6. Parameters files

const SUBSTITUTION = /^\$\{[A-Z_][A-Z0-9_]*(=[^}]*)?\}$/;

/** `main.parameters.prod.json` and `main.parameters.json` belong to `main.bicep` in the same folder. */
export function templateOfParametersFile(path: string): string | undefined {
  const match = /^(.*\/)?([^/]+)\.parameters(\.[^/]+)?\.json$/.exec(path);
  return match ? `${match[1] ?? ''}${match[2]}.bicep` : undefined;
}

function parametersProblems(path: string, text: string, template: BicepFile | undefined): ValidationProblem[] {
  const problem = (message: string): ValidationProblem => ({ file: path, message });
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    return [problem(`not valid JSON: ${(error as Error).message}`)];
  }
  if (typeof json !== 'object' || json === null || Array.isArray(json)) return [problem('must be a JSON object')];
  const doc = json as Json;
  const problems: ValidationProblem[] = [];
  if (!/deploymentParameters\.json#?$/.test(String(doc['$schema'] ?? ''))) {
    problems.push(problem('$schema must be https://schema.management.azure.com/schemas/2019-04-01/deploymentParameters.json#'));
  }
  if (typeof doc['contentVersion'] !== 'string' || !/^[0-9]+(\.[0-9]+){3}$/.test(doc['contentVersion'])) {
    problems.push(problem('contentVersion must be a version such as "1.0.0.0"'));
  }
  for (const key of Object.keys(doc).filter((k) => !['$schema', 'contentVersion', 'parameters'].includes(k))) {
    problems.push(problem(`unknown top-level property "${key}"`));
  }
  const parameters = doc['parameters'];
  if (typeof parameters !== 'object' || parameters === null || Array.isArray(parameters)) return [...problems, problem('parameters must be an object')];
  if (!template) return [...problems, problem(`no ${templateOfParametersFile(path)} beside it declares these parameters`)];
  for (const [name, entry] of Object.entries(parameters as Json)) {
    const param = template.params.get(name);
    if (!param) {
      problems.push(problem(`parameter "${name}" is not declared in ${template.path}`));
      continue;
    }
    if (typeof entry !== 'object' || entry === null || Array.isArray(entry)) {
      problems.push(problem(`parameter "${name}" must be an object with "value" or "reference"`));
      continue;
    }
    const keys = Object.keys(entry);
    if (keys.length !== 1 || !['value', 'reference'].includes(keys[0]!)) {
      problems.push(problem(`parameter "${name}" must have exactly one of "value" or "reference" (has ${keys.join(', ') || 'neither'})`));
    }
    const value = (entry as Json)['value'];
    if (param.secure && value !== undefined && !(typeof value === 'string' && SUBSTITUTION.test(value))) {
      problems.push(problem(`parameter "${name}" is @secure(): give it a Key Vault "reference" or pass it at deployment, never a literal value`));
    }
  }
  for (const [name, param] of template.params) {
    const isAzdFile = /\.parameters\.json$/.test(path);
    if (!param.hasDefault && !param.secure && !(name in (parameters as Json)) && !isAzdFile) {
      problems.push(problem(`parameter "${name}" has no default in ${template.path} and no value here`));
    }
  }
  return problems;
}

// ---------------------------------------------------------------------------------------------
// 7. azure.yaml (azd): a structural check of the documented shape; azd's own schema is not vendored.

const AZD_LANGUAGES = ['dotnet', 'csharp', 'fsharp', 'py', 'python', 'js', 'ts', 'java', 'docker'];
const AZD_HOSTS = ['appservice', 'containerapp', 'function', 'staticwebapp', 'aks', 'springapp', 'ai.endpoint'];
const AZD_TOP = ['name', 'resourceGroup', 'metadata', 'infra', 'services', 'pipeline', 'hooks', 'requiredVersions', 'state', 'platform', 'workflows', 'cloud', 'resources'];
const AZD_SERVICE = ['project', 'language', 'host', 'module', 'dist', 'docker', 'resourceName', 'image', 'hooks', 'k8s', 'apiVersion', 'config', 'env', 'uses', 'remoteBuild'];
const AZD_DOCKER = ['path', 'context', 'platform', 'target', 'registry', 'image', 'tag', 'buildArgs', 'remoteBuild', 'network'];

function azureYamlProblems(path: string, text: string, files: ReadonlyMap<string, string>): ValidationProblem[] {
  const problem = (message: string): ValidationProblem => ({ file: path, message });
  let doc: unknown;
  try {
    doc = parseYaml(text);
  } catch (error) {
    return [problem(`YAML: ${(error as Error).message.split('\n')[0]}`)];
  }
  if (typeof doc !== 'object' || doc === null) return [problem('must be a YAML mapping')];
  const root = doc as Json;
  const problems: ValidationProblem[] = [];
  const unknown = (where: string, value: Json, allowed: string[]) => {
    for (const key of Object.keys(value).filter((k) => !allowed.includes(k))) problems.push(problem(`${where}: unknown property "${key}"`));
  };
  unknown('/', root, AZD_TOP);
  if (typeof root['name'] !== 'string' || !/^[a-z0-9]([a-z0-9-]*[a-z0-9])?$/.test(root['name'])) {
    problems.push(problem('name must be lowercase letters, digits and hyphens, starting and ending with a letter or digit'));
  }
  const infra = (root['infra'] ?? {}) as Json;
  const infraPath = posix.join(posix.dirname(path), String(infra['path'] ?? 'infra'), `${String(infra['module'] ?? 'main')}.bicep`);
  if (!files.has(infraPath)) problems.push(problem(`infra: ${infraPath} does not exist`));
  const services = root['services'];
  if (typeof services !== 'object' || services === null) return [...problems, problem('services must be a mapping')];
  for (const [name, value] of Object.entries(services as Json)) {
    const service = (value ?? {}) as Json;
    unknown(`services.${name}`, service, AZD_SERVICE);
    if (typeof service['project'] !== 'string') problems.push(problem(`services.${name}.project is required`));
    if (!AZD_LANGUAGES.includes(String(service['language']))) problems.push(problem(`services.${name}.language must be one of ${AZD_LANGUAGES.join(', ')}`));
    if (!AZD_HOSTS.includes(String(service['host']))) problems.push(problem(`services.${name}.host must be one of ${AZD_HOSTS.join(', ')}`));
    if (service['docker'] !== undefined) unknown(`services.${name}.docker`, service['docker'] as Json, AZD_DOCKER);
    // azd finds the Container App by this tag.
    const bicep = [...files].filter(([p]) => p.endsWith('.bicep')).map(([, t]) => t).join('\n');
    if (service['host'] === 'containerapp' && !bicep.includes(`'azd-service-name'`)) {
      problems.push(problem(`services.${name}: no Bicep resource carries the 'azd-service-name' tag azd deploys to`));
    }
  }
  return problems;
}

// ---------------------------------------------------------------------------------------------

export interface BicepReport {
  readonly problems: ValidationProblem[];
  /** `type@apiVersion` of resources whose bodies could not be checked (no schema vendored). */
  readonly unchecked: string[];
}

/** Runs every Bicep check over the files: syntax, symbols, schemas, modules, policy, parameters files and azure.yaml. */
export function checkBicep(files: ReadonlyMap<string, string>): BicepReport {
  const problems: ValidationProblem[] = [];
  const unchecked = new Set<string>();
  const bicepFiles = new Map<string, BicepFile>();
  for (const [path, text] of files) if (path.endsWith('.bicep')) bicepFiles.set(path, parseBicepFile(path, text));
  for (const file of bicepFiles.values()) {
    const syntax = syntaxProblems(file);
    problems.push(...syntax);
    if (syntax.length > 0) continue;
    problems.push(...referenceProblems(file), ...resourceProblems(file, unchecked), ...moduleProblems(file, bicepFiles), ...policyProblems(file), ...exposureProblems(file), ...ownerCredentialProblems(file));
  }
  for (const [path, text] of files) {
    if (/\.parameters(\.[^/]+)?\.json$/.test(path)) problems.push(...parametersProblems(path, text, bicepFiles.get(templateOfParametersFile(path)!)));
    if (/(^|\/)azure\.ya?ml$/.test(path)) problems.push(...azureYamlProblems(path, text, files));
  }
  return { problems, unchecked: [...unchecked].sort() };
}

/**
 * Bicep without a Bicep compiler: tree-sitter-bicep syntax, declared symbols, `type@apiVersion`
 * against the vendored ARM schemas, resource bodies against those schemas made strict, module
 * params, `@secure()` credentials, the pgvector policy, no database owner's credential in a serving
 * container, parameters files and azure.yaml.
 */
export const bicepValidator: ArtifactValidator & { uncheckedResourceTypes(files: ReadonlyMap<string, string>): string[] } = {
  name: 'tree-sitter-bicep + ARM schemas',
  appliesTo: (path) => path.endsWith('.bicep') || /\.parameters(\.[^/]+)?\.json$/.test(path) || /(^|\/)azure\.ya?ml$/.test(path),
  async validate(files) {
    return checkBicep(new Map([...files].filter(([p]) => this.appliesTo(p)))).problems;
  },
  uncheckedResourceTypes(files) {
    return checkBicep(new Map([...files].filter(([p]) => this.appliesTo(p)))).unchecked;
  },
};
