// ARM parameters files (main.parameters*.json) against the template beside them.
import type { Json } from './bicep-json.js';
import type { BicepFile } from './bicep-tree.js';
import type { ValidationProblem } from './types.js';

export const isParametersFile = (path: string): boolean => /\.parameters(\.[^/]+)?\.json$/.test(path);

const SUBSTITUTION = /^\$\{[A-Z_][A-Z0-9_]*(=[^}]*)?\}$/;

/** `main.parameters.prod.json` and `main.parameters.json` belong to `main.bicep` in the same folder. */
export function templateOfParametersFile(path: string): string | undefined {
  const match = /^(.*\/)?([^/]+)\.parameters(\.[^/]+)?\.json$/.exec(path);
  return match ? `${match[1] ?? ''}${match[2]}.bicep` : undefined;
}

export function parametersProblems(path: string, text: string, template: BicepFile | undefined): ValidationProblem[] {
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
