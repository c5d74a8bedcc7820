import { resourceProblems } from './bicep-arm-schemas.js';
import { azureYamlProblems, isAzureYaml } from './bicep-azure-yaml.js';
import { exposureProblems } from './bicep-exposure.js';
import { moduleProblems } from './bicep-modules.js';
import { ownerCredentialProblems } from './bicep-owner-credential.js';
import { isParametersFile, parametersProblems, templateOfParametersFile } from './bicep-parameters-file.js';
import { policyProblems } from './bicep-policy.js';
import { referenceProblems } from './bicep-references.js';
import { type BicepFile, parseBicepFile, syntaxProblems } from './bicep-tree.js';
import type { ArtifactValidator, ValidationProblem } from './types.js';

export { armSchemasDir, typesWithoutSchema } from './bicep-arm-schemas.js';
export { bicepToJson } from './bicep-json.js';
export { templateOfParametersFile } from './bicep-parameters-file.js';
export { looksLikeCredential } from './bicep-policy.js';
export { type BicepFile, parseBicepFile } from './bicep-tree.js';

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
    problems.push(
      ...referenceProblems(file),
      ...resourceProblems(file, unchecked),
      ...moduleProblems(file, bicepFiles),
      ...policyProblems(file),
      ...exposureProblems(file),
      ...ownerCredentialProblems(file),
    );
  }
  for (const [path, text] of files) {
    if (isParametersFile(path)) problems.push(...parametersProblems(path, text, bicepFiles.get(templateOfParametersFile(path)!)));
    if (isAzureYaml(path)) problems.push(...azureYamlProblems(path, text, files));
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
  appliesTo: (path) => path.endsWith('.bicep') || isParametersFile(path) || isAzureYaml(path),
  async validate(files) {
    return checkBicep(new Map([...files].filter(([p]) => this.appliesTo(p)))).problems;
  },
  uncheckedResourceTypes(files) {
    return checkBicep(new Map([...files].filter(([p]) => this.appliesTo(p)))).unchecked;
  },
};
