/**
 * One naming module: a service name must be valid at once as an npm package name, a Kubernetes
 * DNS-1123 label and an Azure Container Apps name. The tightest rule of each wins; each broken
 * rule is reported with the system that imposes it, so the user knows why.
 */
import { parse as parseYaml } from 'yaml';

export interface NameRule {
  readonly test: (name: string) => boolean;
  readonly message: string;
}

const AZURE_CONTAINER_APP_MAX = 32;

/**
 * Whether YAML would read the value, unquoted, as something other than a string: a boolean, null or
 * number under YAML 1.2 (core schema) or YAML 1.1 (`no`, `on`, `y`, `0x1f`, `1e5`, `e5`...). Names and
 * namespaces land unquoted in manifests (Kubernetes labels, Compose environment), so `no` becomes
 * `false` (kubectl: "cannot unmarshal bool") and `null` unsets POSTGRES_DB. Asked of the YAML parser
 * itself, so no list of words can fall behind it.
 */
export function isYamlSpecial(value: string): boolean {
  return (['1.2', '1.1'] as const).some((version) => typeof parseYaml(value, { version }) !== 'string');
}

export const serviceNameRules: readonly NameRule[] = [
  {
    test: (n) => n.length >= 2 && n.length <= AZURE_CONTAINER_APP_MAX,
    message: `must be 2 to ${AZURE_CONTAINER_APP_MAX} characters long (Azure Container Apps limit)`,
  },
  {
    test: (n) => /^[a-z0-9-]*$/.test(n),
    message: 'may contain only lowercase letters, digits and hyphens (Kubernetes DNS-1123 label, npm package name)',
  },
  {
    test: (n) => /^[a-z]/.test(n),
    message: 'must start with a lowercase letter (Azure Container Apps name)',
  },
  {
    test: (n) => /[a-z0-9]$/.test(n),
    message: 'must end with a letter or digit (Kubernetes DNS-1123 label)',
  },
  {
    test: (n) => !n.includes('--'),
    message: 'must not contain two hyphens in a row (Azure Container Apps name)',
  },
  {
    test: (n) => !isYamlSpecial(n),
    message: 'must not be a word YAML reads as a boolean, null or number (Kubernetes labels, Docker Compose)',
  },
];

/** Returns the broken rules' messages; empty when the name is valid everywhere. */
export function serviceNameProblems(name: string): string[] {
  return serviceNameRules.filter((rule) => !rule.test(name)).map((rule) => rule.message);
}

const NPM_NAME_MAX = 214;

/**
 * Rules for a new workspace's name, used as its folder and its root package.json name: an
 * unscoped npm package name that is also a portable folder name.
 */
export const workspaceNameRules: readonly NameRule[] = [
  { test: (n) => n.length >= 1 && n.length <= NPM_NAME_MAX, message: `must be 1 to ${NPM_NAME_MAX} characters long (npm package name)` },
  {
    test: (n) => /^[a-z0-9._-]*$/.test(n),
    message: 'may contain only lowercase letters, digits, "-", "." and "_" (npm package name, portable folder name)',
  },
  { test: (n) => /^[a-z0-9]/.test(n), message: 'must start with a lowercase letter or digit (npm package name)' },
  { test: (n) => !['node_modules', 'favicon.ico'].includes(n), message: 'is reserved by npm' },
];

/** Returns the broken rules' messages; empty when the name can name a new workspace. */
export function workspaceNameProblems(name: string): string[] {
  return workspaceNameRules.filter((rule) => !rule.test(name)).map((rule) => rule.message);
}

const SERVICE_SUFFIX = '-service';

/** A readable suggestion for an invalid name: `Orders_API` → `orders-api`, `null` → `null-service`. */
export function suggestServiceName(name: string): string {
  const slug = name
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^[^a-z]+/, '')
    .replace(/-+$/, '')
    .slice(0, AZURE_CONTAINER_APP_MAX)
    .replace(/-+$/, '');
  if (isYamlSpecial(slug)) return `${slug.slice(0, AZURE_CONTAINER_APP_MAX - SERVICE_SUFFIX.length).replace(/-+$/, '')}${SERVICE_SUFFIX}`;
  return slug.length >= 2 ? slug : 'my-service';
}

/** `orders-api` → `Orders Api`, for titles in READMEs and server info. */
export function titleCase(name: string): string {
  return name
    .split('-')
    .filter(Boolean)
    .map((part) => part[0]!.toUpperCase() + part.slice(1))
    .join(' ');
}
