import { nxProjectValidator } from './nx-project.js';
import type { ArtifactValidator, ValidationProblem } from './types.js';
import { typescriptValidator } from './typescript.js';

export type { ArtifactValidator, ValidationProblem } from './types.js';

/** The one registry of artifact validators, per template layer. Later layers add theirs here. */
export const validatorsByLayer: Readonly<Record<string, readonly ArtifactValidator[]>> = {
  server: [nxProjectValidator, typescriptValidator],
};

export async function validateFiles(
  layer: string,
  files: ReadonlyMap<string, string>,
): Promise<ValidationProblem[]> {
  const validators = validatorsByLayer[layer] ?? [];
  const results = await Promise.all(validators.map((v) => v.validate(files)));
  return results.flat();
}
