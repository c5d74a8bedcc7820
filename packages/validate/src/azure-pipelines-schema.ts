import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Ajv, type ValidateFunction } from 'ajv';
import type { Json } from './json-shapes.js';
import { schemasDir } from './schemas-dir.js';

/** Microsoft's schema (azure-pipelines-vscode), vendored: see schemas/vendor/PROVENANCE.md. */
export const AZURE_PIPELINES_SCHEMA = join(schemasDir, 'vendor/azure-pipelines/service-schema.json');

/** One shape in the schema: a definition, or a branch of its `anyOf`. */
export interface Branch {
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
export function loadSchema(): LoadedSchema {
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

export function validatorFor(pointer: string): ValidateFunction {
  const { ajv } = loadSchema();
  const validate = ajv.getSchema(`${SCHEMA_ID}${pointer}`);
  if (!validate) throw new Error(`azure-pipelines schema has no ${pointer}`);
  return validate;
}
