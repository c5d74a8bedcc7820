import { joinPathFragments, readJson, type Tree } from '@nx/devkit';
import { z } from 'zod';
import { refuseStdioOnly, type DeployTarget } from '../deploy-target.js';
import { serviceNameProblems } from '../names.js';
import { optionsError } from '../options.js';
import { containerImages, imageReference, type NodeLine } from '../versions.js';
import { dockerfilePath } from './container.js';
import { migrationJobName } from './database.js';
import { azurePostgresOf, nodeLineOf, presetOf } from './project.js';

/**
 * What both CI/CD generators (github-actions, azure-pipelines) decide the same way about a
 * service's delivery: its environments, the Azure names it deploys to, and the shared deploy and
 * smoke-test scripts, whose content must not depend on which generator wrote them.
 */

const ENVIRONMENT = /^[a-z][a-z0-9-]{0,30}[a-z0-9]$/;

/**
 * `--environments=staging,prod`: deployment order, each an environment name in both CI systems. The
 * default matches the azure generator's environments (dev, staging, prod) and its `rg-<project>-<env>` groups.
 */
export const environmentsOption = z
  .union([z.string(), z.array(z.string())])
  .transform((value) => (Array.isArray(value) ? value : value.split(',')).map((e) => e.trim()).filter(Boolean))
  .refine((list) => list.length > 0, { message: 'name at least one environment, e.g. staging,prod' })
  .refine((list) => list.every((e) => ENVIRONMENT.test(e)), {
    message: 'each environment must be 2-32 lowercase letters, digits and hyphens, starting with a letter (e.g. staging,prod)',
  })
  .refine((list) => new Set(list).size === list.length, { message: 'list each environment once' })
  .default(['staging', 'prod']);

/** The read-only tool the smoke test calls on a service Slipway made, per preset. */
const SMOKE_CALLS: Readonly<Record<string, { tool: string; arguments: string }>> = {
  minimal: { tool: 'text_stats', arguments: '{"text":"Slipway smoke test."}' },
  retail: { tool: 'get_current_utc_date', arguments: '{}' },
};
/** Presets whose /mcp sits behind OAuth bearer tokens (their AUTH_AUDIENCE defaults to `api://<name>`). */
const AUTHENTICATED_PRESETS = new Set(['retail']);

export interface DeliveryEnvironment {
  /** Environment name in GitHub / Azure DevOps, where approvals and checks are configured. */
  readonly name: string;
  /** Default resource group of the Container App in this environment. */
  readonly resourceGroup: string;
}

export interface Delivery {
  readonly project: string;
  readonly root: string;
  /** Workspace-relative folder of the shared scripts, e.g. `services/orders/scripts`. */
  readonly scriptsDir: string;
  /** Where the docker generator writes the Dockerfile; it builds with the workspace root as context. */
  readonly dockerfile: string;
  readonly buildContext: string;
  /** The Node line the service's image runs (the docker generator's choice), for CI to test on the same. */
  readonly nodeLine: NodeLine;
  /** Paths whose changes trigger the service's delivery. */
  readonly triggerPaths: readonly string[];
  readonly containerApp: string;
  readonly environments: readonly DeliveryEnvironment[];
  /** Empty for a project Slipway did not make: the smoke test then lists tools instead of calling one. */
  readonly smokeTool: string;
  readonly smokeToolArguments: string;
  /**
   * For a service behind OAuth: the resource (audience) the deploy step gets a token for, as the
   * identity it logged in with; empty when /mcp needs no token.
   */
  readonly smokeTokenResource: string;
  readonly databaseUrlForTests: string | undefined;
  /**
   * The Container Apps Job that migrates before each release (the azure generator's, with PostgreSQL):
   * it reads the owner's credential from Key Vault itself, so the pipeline never holds it.
   */
  readonly migrationJob: string | undefined;
}

/**
 * The test database the CI PostgreSQL service container creates (trust auth on an ephemeral
 * container, so no password). Tests connect as the serving login; only the migration step gets the
 * superuser, and creates that login.
 */
export const TEST_DATABASE = {
  image: imageReference(containerImages.postgres),
  name: 'slipway_test',
  url: 'postgres://slipway_app@localhost:5432/slipway_test',
  migrationUrl: 'postgres://postgres@localhost:5432/slipway_test',
} as const;

/** `rg-orders-staging`: Azure's recommended `rg-<workload>-<environment>` resource-group naming. */
export function resourceGroupName(project: string, environment: string): string {
  return `rg-${project}-${environment}`;
}

/** The azure generator provisions the job with PostgreSQL: by its recorded --postgres, else whenever there is a database. */
function migratesWithJob(tree: Tree, target: DeployTarget): boolean {
  return azurePostgresOf(tree, target.root) ?? target.database !== 'none';
}

/** The project name becomes a workflow file name, job concurrency groups and the Container App name. */
export function assertDeployableName(generator: string, project: string): void {
  const problems = serviceNameProblems(project);
  if (problems.length > 0) {
    throw optionsError(generator, [
      `--project: "${project}" ${problems.join('; ')}; it names the Container App and the pipeline files, so rename the Nx project.`,
    ]);
  }
}

export function resolveDelivery(tree: Tree, generator: string, target: DeployTarget, environments: readonly string[], deploys: boolean): Delivery {
  // Only the github-actions generator can leave the deployment out (--azure=false, CI only).
  if (deploys) refuseStdioOnly(tree, generator, target, 'deploying it', generator === 'github-actions' ? '--azure=false for CI only' : undefined);
  const root = target.root === '.' ? '' : target.root;
  const preset = presetOf(tree, target.root);
  const smoke = target.managed ? SMOKE_CALLS[preset] : undefined;
  const lockfile = target.lockfile;
  return {
    project: target.project,
    root,
    scriptsDir: joinPathFragments(root, 'scripts'),
    dockerfile: dockerfilePath(target),
    buildContext: '.',
    nodeLine: nodeLineOf(tree, target.root),
    triggerPaths: root === '' || lockfile.startsWith(`${root}/`) ? [root === '' ? '**' : `${root}/**`] : [`${root}/**`, lockfile],
    containerApp: target.project,
    environments: environments.map((name) => ({ name, resourceGroup: resourceGroupName(target.project, name) })),
    smokeTool: smoke?.tool ?? '',
    smokeToolArguments: smoke?.arguments ?? '{}',
    smokeTokenResource: target.managed && AUTHENTICATED_PRESETS.has(preset) ? `api://${target.project}` : '',
    databaseUrlForTests: target.database === 'none' ? undefined : TEST_DATABASE.url,
    migrationJob: migratesWithJob(tree, target) ? migrationJobName(target.project) : undefined,
  };
}

/** Template variables of the shared scripts (identical whichever generator renders them). */
export function scriptVariables(delivery: Delivery) {
  return {
    project: delivery.project,
    scriptsDir: delivery.scriptsDir,
    smokeTool: delivery.smokeTool,
    smokeToolArguments: delivery.smokeToolArguments,
  };
}

/** The project's `test` script, to know whether it is vitest (which can write JUnit for CI test reports). */
export function testScript(tree: Tree, root: string): string | undefined {
  const path = joinPathFragments(root, 'package.json');
  return tree.exists(path) ? readJson<{ scripts?: Record<string, string> }>(tree, path).scripts?.['test'] : undefined;
}
