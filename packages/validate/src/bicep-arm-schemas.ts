// Resource types, API versions and resource bodies against the vendored ARM schemas.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Ajv, type ValidateFunction } from 'ajv';
import { bodyOf, resourcesOf, varsOf } from './bicep-declarations.js';
import { type Json, bodyReadings } from './bicep-json.js';
import { type BicepFile, at } from './bicep-tree.js';
import { schemasDir } from './schemas-dir.js';
import { describeSchemaErrors } from './schema-errors.js';
import type { ValidationProblem } from './types.js';

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
  for (const version of readdirSync(armSchemasDir)
    .filter((d) => /^\d{4}-\d{2}-\d{2}/.test(d))
    .sort()) {
    for (const fileName of readdirSync(join(armSchemasDir, version))
      .filter((f) => f.endsWith('.json'))
      .sort()) {
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

// Bicep-only keys: ARM expresses them outside the resource body (or not at all).
const BICEP_ONLY_KEYS = ['parent', 'scope', 'dependsOn'];

export function resourceProblems(file: BicepFile, unchecked: Set<string>): ValidationProblem[] {
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
    // Both sides of every ternary are checked: one reading takes the `then` branches, one the `else` branches.
    for (const json of bodyReadings(body, vars)) {
      for (const bicepKey of BICEP_ONLY_KEYS) delete json[bicepKey];
      if (!validate({ ...json, type: use.type, apiVersion: use.apiVersion })) {
        for (const message of describeSchemaErrors(validate.errors)) messages.add(message);
      }
    }
    for (const message of messages) problems.push({ file: file.path, message: `${at(use.node)}: ${key}: ${message}` });
  }
  return problems;
}
