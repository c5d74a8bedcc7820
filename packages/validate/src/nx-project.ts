import { createRequire } from 'node:module';
import { Ajv, type ValidateFunction } from 'ajv';
import { eachFile } from './each-file.js';
import type { ArtifactValidator } from './types.js';

const require = createRequire(import.meta.url);

const isProjectJson = (path: string): boolean => path.endsWith('project.json');

let compiled: ValidateFunction | undefined;
/** Compiled once per process: the fuzz and the CLI validate many projects. */
function projectSchema(): ValidateFunction {
  compiled ??= new Ajv({ strict: false, allErrors: true }).compile(require('nx/schemas/project-schema.json') as object);
  return compiled;
}

/** project.json against the JSON schema that ships with the installed nx. */
export const nxProjectValidator: ArtifactValidator = {
  name: 'nx project.json schema',
  appliesTo: isProjectJson,
  validate: eachFile(isProjectJson, (_file, text) => {
    let doc: unknown;
    try {
      doc = JSON.parse(text);
    } catch (error) {
      return [`not valid JSON: ${(error as Error).message}`];
    }
    const validate = projectSchema();
    return validate(doc) ? [] : (validate.errors ?? []).map((error) => `${error.instancePath || '/'} ${error.message}`);
  }),
};
