// azure.yaml (azd): a structural check of the documented shape; azd's own schema is not vendored.
import { posix } from 'node:path';
import { parse as parseYaml } from 'yaml';
import type { Json } from './bicep-json.js';
import type { ValidationProblem } from './types.js';

export const isAzureYaml = (path: string): boolean => /(^|\/)azure\.ya?ml$/.test(path);

const AZD_LANGUAGES = ['dotnet', 'csharp', 'fsharp', 'py', 'python', 'js', 'ts', 'java', 'docker'];
const AZD_HOSTS = ['appservice', 'containerapp', 'function', 'staticwebapp', 'aks', 'springapp', 'ai.endpoint'];
const AZD_TOP = [
  'name',
  'resourceGroup',
  'metadata',
  'infra',
  'services',
  'pipeline',
  'hooks',
  'requiredVersions',
  'state',
  'platform',
  'workflows',
  'cloud',
  'resources',
];
const AZD_SERVICE = [
  'project',
  'language',
  'host',
  'module',
  'dist',
  'docker',
  'resourceName',
  'image',
  'hooks',
  'k8s',
  'apiVersion',
  'config',
  'env',
  'uses',
  'remoteBuild',
];
const AZD_DOCKER = ['path', 'context', 'platform', 'target', 'registry', 'image', 'tag', 'buildArgs', 'remoteBuild', 'network'];

export function azureYamlProblems(path: string, text: string, files: ReadonlyMap<string, string>): ValidationProblem[] {
  const problem = (message: string): ValidationProblem => ({ file: path, message });
  let doc: unknown;
  try {
    doc = parseYaml(text);
  } catch (error) {
    return [problem(`YAML: ${(error as Error).message.split('\n')[0]}`)];
  }
  if (typeof doc !== 'object' || doc === null) return [problem('must be a YAML mapping')];
  const root = doc as Json;
  const problems: ValidationProblem[] = [];
  const unknown = (where: string, value: Json, allowed: string[]) => {
    for (const key of Object.keys(value).filter((k) => !allowed.includes(k))) problems.push(problem(`${where}: unknown property "${key}"`));
  };
  unknown('/', root, AZD_TOP);
  if (typeof root['name'] !== 'string' || !/^[a-z0-9]([a-z0-9-]*[a-z0-9])?$/.test(root['name'])) {
    problems.push(problem('name must be lowercase letters, digits and hyphens, starting and ending with a letter or digit'));
  }
  const infra = (root['infra'] ?? {}) as Json;
  const infraPath = posix.join(posix.dirname(path), String(infra['path'] ?? 'infra'), `${String(infra['module'] ?? 'main')}.bicep`);
  if (!files.has(infraPath)) problems.push(problem(`infra: ${infraPath} does not exist`));
  const services = root['services'];
  if (typeof services !== 'object' || services === null) return [...problems, problem('services must be a mapping')];
  for (const [name, value] of Object.entries(services as Json)) {
    const service = (value ?? {}) as Json;
    unknown(`services.${name}`, service, AZD_SERVICE);
    if (typeof service['project'] !== 'string') problems.push(problem(`services.${name}.project is required`));
    if (!AZD_LANGUAGES.includes(String(service['language']))) problems.push(problem(`services.${name}.language must be one of ${AZD_LANGUAGES.join(', ')}`));
    if (!AZD_HOSTS.includes(String(service['host']))) problems.push(problem(`services.${name}.host must be one of ${AZD_HOSTS.join(', ')}`));
    if (service['docker'] !== undefined) unknown(`services.${name}.docker`, service['docker'] as Json, AZD_DOCKER);
    // azd finds the Container App by this tag.
    const bicep = [...files]
      .filter(([p]) => p.endsWith('.bicep'))
      .map(([, t]) => t)
      .join('\n');
    if (service['host'] === 'containerapp' && !bicep.includes(`'azd-service-name'`)) {
      problems.push(problem(`services.${name}: no Bicep resource carries the 'azd-service-name' tag azd deploys to`));
    }
  }
  return problems;
}
