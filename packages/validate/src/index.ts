import { azurePipelinesValidator } from './azure-pipelines.js';
import { bicepValidator } from './bicep.js';
import { composeValidator } from './compose.js';
import { dockerfileValidator } from './dockerfile.js';
import { githubWorkflowValidator } from './github-workflow.js';
import { kubernetesValidator } from './kubernetes.js';
import { nxProjectValidator } from './nx-project.js';
import { shellValidator } from './shell.js';
import type { ArtifactValidator, ValidationProblem } from './types.js';
import { typescriptValidator } from './typescript.js';
import { yamlLintValidator } from './yaml-lint.js';

export type { ArtifactValidator, ValidationProblem } from './types.js';

/** The one registry of artifact validators, per template layer. Later layers add theirs here. */
export const validatorsByLayer: Readonly<Record<string, readonly ArtifactValidator[]>> = {
  server: [nxProjectValidator, typescriptValidator],
  github: [githubWorkflowValidator, shellValidator, yamlLintValidator],
  'azure-pipelines': [azurePipelinesValidator, shellValidator, yamlLintValidator],
  k8s: [kubernetesValidator, yamlLintValidator],
  azure: [bicepValidator, yamlLintValidator],
  docker: [dockerfileValidator],
  compose: [composeValidator, yamlLintValidator],
};

export async function validateFiles(
  layer: string,
  files: ReadonlyMap<string, string>,
): Promise<ValidationProblem[]> {
  const validators = validatorsByLayer[layer] ?? [];
  const results = await Promise.all(validators.map((v) => v.validate(files)));
  return results.flat();
}
