import { azurePipelinesValidator } from './azure-pipelines.js';
import { bicepValidator } from './bicep.js';
import { composeValidator } from './compose.js';
import { conformanceBaselineValidator } from './conformance-baseline.js';
import { dockerfileValidator } from './dockerfile.js';
import { githubWorkflowValidator } from './github-workflow.js';
import { kubernetesValidator } from './kubernetes.js';
import { nxProjectValidator } from './nx-project.js';
import { prometheusValidator } from './prometheus.js';
import { shellValidator } from './shell.js';
import { onPath } from './system-tools.js';
import type { ArtifactValidator, ValidationContext, ValidationProblem } from './types.js';
import { typescriptValidator } from './typescript.js';
import { yamlLintValidator } from './yaml-lint.js';

export type { ArtifactValidator, SystemTool, ValidationContext, ValidationProblem } from './types.js';

/** The one registry of artifact validators, per template layer. Later layers add theirs here. */
export const validatorsByLayer: Readonly<Record<string, readonly ArtifactValidator[]>> = {
  server: [nxProjectValidator, typescriptValidator, conformanceBaselineValidator],
  github: [githubWorkflowValidator, shellValidator, yamlLintValidator],
  'azure-pipelines': [azurePipelinesValidator, shellValidator, yamlLintValidator],
  k8s: [kubernetesValidator, yamlLintValidator, prometheusValidator],
  azure: [bicepValidator, yamlLintValidator],
  docker: [dockerfileValidator],
  compose: [composeValidator, yamlLintValidator, prometheusValidator],
};

export async function validateFiles(layer: string, files: ReadonlyMap<string, string>, context?: ValidationContext): Promise<ValidationProblem[]> {
  const validators = validatorsByLayer[layer] ?? [];
  const results = await Promise.all(validators.map((v) => v.validate(files, context)));
  return results.flat();
}

/** A check that did not run (or ran only in part) because a system tool is missing. */
export interface SkippedCheck {
  readonly check: string;
  readonly tool: string;
  readonly install: string;
  /** Which part did not run, when the rest of the check did. */
  readonly part?: string;
}

export interface LayerResult {
  /** Problems with the validator that found them (the rule). */
  readonly problems: ReadonlyArray<ValidationProblem & { readonly rule: string }>;
  readonly skipped: readonly SkippedCheck[];
}

/**
 * Runs a layer's validators like validateFiles, except that a validator whose system tool is not on
 * PATH is skipped and reported, never run to a spawn error nor passed silently.
 */
export async function validateLayer(layer: string, files: ReadonlyMap<string, string>, context: ValidationContext): Promise<LayerResult> {
  const skipped: SkippedCheck[] = [];
  const runs = (validatorsByLayer[layer] ?? []).map(async (validator) => {
    if (![...files.keys()].some((file) => validator.appliesTo(file))) return [];
    const missing = (validator.tools ?? []).filter((tool) => !onPath(tool.command, context.path));
    for (const tool of missing) skipped.push({ check: validator.name, tool: tool.command, install: tool.install, ...(tool.part ? { part: tool.part } : {}) });
    if (missing.some((tool) => tool.part === undefined)) return [];
    return (await validator.validate(files, context)).map((problem) => ({ ...problem, rule: validator.name }));
  });
  return { problems: (await Promise.all(runs)).flat(), skipped };
}
