/**
 * Regenerates kubernetes-strict.json from kubernetes-types with ts-json-schema-generator:
 *   npx tsx packages/validate/src/schemas/generate-kubernetes-schema.ts
 * Interfaces become objects with `additionalProperties: false`, so a typo'd field fails validation
 * (kubernetes-models alone accepts unknown fields). kubernetes.spec.ts checks the committed file is current.
 */
import { writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createGenerator } from 'ts-json-schema-generator';

const here = dirname(fileURLToPath(import.meta.url));
export const strictSchemaPath = join(here, 'kubernetes-strict.json');

export function generateKubernetesSchema(): string {
  const generator = createGenerator({
    path: join(here, 'kubernetes-types.ts'),
    type: '*',
    expose: 'export',
    topRef: true,
    jsDoc: 'none',
    skipTypeCheck: true,
    additionalProperties: false,
  });
  return `${JSON.stringify(generator.createSchema('*'), null, 1)}\n`;
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  writeFileSync(strictSchemaPath, generateKubernetesSchema());
  console.log(`wrote ${strictSchemaPath}`);
}
