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
  return (['1.2', '1.1'] as const).some((version) => {
    try {
      // logLevel 'error': a tag like `!x` is a warning, which would go to stderr.
      return typeof parseYaml(value, { version, logLevel: 'error' }) !== 'string';
    } catch {
      // Not a plain scalar at all (`@x`, `*x`, `%x`): no safer unquoted.
      return true;
    }
  });
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

/**
 * `orders-api` → `ORDERS_API`: a name as part of an environment variable (compose's image variable,
 * the CI variables' prefix, azd's SERVICE_<NAME>_IMAGE_NAME, which azd forms the same way).
 */
export function environmentVariablePart(name: string): string {
  return name.toUpperCase().replace(/[^A-Z0-9]/g, '_');
}

/** `orders-api` → `orders_api`: a PostgreSQL identifier (database, login) that needs no quoting. */
export function sqlIdentifier(name: string): string {
  return name.replace(/-/g, '_');
}

/** Kubernetes namespaces are DNS-1123 labels (63 characters); overlays append up to `-staging` (8). */
export const NAMESPACE_BASE_MAX = 63 - '-staging'.length;

/** Why a namespace can't be the base of the overlays' `<namespace>-<environment>`, or undefined when it can. */
export function namespaceBaseProblem(namespace: string): string | undefined {
  return namespace.length > NAMESPACE_BASE_MAX
    ? `must be at most ${NAMESPACE_BASE_MAX} characters, so that "<namespace>-staging" stays a valid name`
    : undefined;
}

/** The entry `nx add @slipway/nx` registers in nx.json, and the names a Slipway plugin entry may have. */
export const SLIPWAY_PLUGIN = '@slipway/nx/plugin';
const SLIPWAY_PLUGIN_NAMES: ReadonlySet<string> = new Set(['@slipway/nx', SLIPWAY_PLUGIN]);

/** The sync generator `init` registers in nx.json, which `nx sync` and `nx sync:check` run. */
export const SLIPWAY_SYNC_GENERATOR = '@slipway/nx:sync';

/** The parts of nx.json Slipway reads and writes. */
export interface NxJson {
  plugins?: Array<string | { plugin: string; options?: { layers?: unknown } & Record<string, unknown> }>;
  sync?: { globalGenerators?: string[] } & Record<string, unknown>;
}

/** Whether an nx.json `plugins` entry is Slipway's. */
export function isSlipwayPlugin(entry: string | { plugin: string }): boolean {
  return SLIPWAY_PLUGIN_NAMES.has(typeof entry === 'string' ? entry : entry.plugin);
}
