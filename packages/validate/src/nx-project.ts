import { createRequire } from 'node:module';
import { Ajv } from 'ajv';
import type { ArtifactValidator, ValidationProblem } from './types.js';

const require = createRequire(import.meta.url);

/** project.json against the JSON schema that ships with the installed nx. */
export const nxProjectValidator: ArtifactValidator = {
  name: 'nx project.json schema',
  appliesTo: (path) => path.endsWith('project.json'),
  async validate(files) {
    const schema = require('nx/schemas/project-schema.json') as object;
    const validate = new Ajv({ strict: false, allErrors: true }).compile(schema);
    const problems: ValidationProblem[] = [];
    for (const [file, text] of files) {
      if (!this.appliesTo(file)) continue;
      if (!validate(JSON.parse(text))) {
        for (const error of validate.errors ?? []) problems.push({ file, message: `${error.instancePath || '/'} ${error.message}` });
      }
    }
    return problems;
  },
};
