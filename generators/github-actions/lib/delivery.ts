import { joinPathFragments, readJson, type Tree } from '@nx/devkit';
import { z } from 'zod';
import { readGeneratorRecord } from '../../../packages/nx/src/answers.js';
import { SERVICE_GENERATOR, type DeployTarget } from '../../../packages/nx/src/deploy-target.js';
import { OptionsError } from '../../../packages/nx/src/options.js';

/**
 * What both CI/CD generators (github-actions, azure-pipelines) decide the same way about a
 * service's delivery: its environments, the Azure names it deploys to, and the shared deploy and
 * smoke-test scripts, whose content must not depend on which generator wrote them.
 */

const ENVIRONMENT = /^[a-z][a-z0-9-]{0,30}[a-z0-9]$/;

/** `--environments=staging,production`: deployment order, each an environment name in both CI systems. */
export const environmentsOption = z
  .union([z.string(), z.array(z.string())])
  .transform((value) => (Array.isArray(value) ? value : value.split(',')).map((e) => e.trim()).filter(Boolean))
  .refine((list) => list.length > 0, { message: 'name at least one environment, e.g. staging,production' })
  .refine((list) => list.every((e) => ENVIRONMENT.test(e)), {
    message: 'each environment must be 2-32 lowercase letters, digits and hyphens, starting with a letter (e.g. staging,production)',
  })
  .refine((list) => new Set(list).size === list.length, { message: 'list each environment once' })
  .default(['staging', 'production']);

/** The tool the smoke test calls on a service Slipway made; every generated service has it. */
const SMOKE_TOOL = 'text_stats';
const SMOKE_TOOL_ARGUMENTS = '{"text":"Slipway smoke test."}';

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
  readonly dockerfile: string;
  /** Docker build context: the workspace root for workspace members (they build with the root lockfile). */
  readonly buildContext: string;
  /** Paths whose changes trigger the service's delivery. */
  readonly triggerPaths: readonly string[];
  readonly containerApp: string;
  readonly environments: readonly DeliveryEnvironment[];
  /** Empty for a project Slipway did not make: the smoke test then lists tools instead of calling one. */
  readonly smokeTool: string;
  readonly smokeToolArguments: string;
  readonly databaseUrlForTests: string | undefined;
}

/** The test database the CI PostgreSQL service container creates (trust auth on an ephemeral container). */
export const TEST_DATABASE = { name: 'slipway_test', url: 'postgres://postgres@localhost:5432/slipway_test' } as const;

/** `rg-orders-staging`: Azure's recommended `rg-<workload>-<environment>` resource-group naming. */
export function resourceGroupName(project: string, environment: string): string {
  return `rg-${project}-${environment}`;
}

/** Refuses a stdio-only Slipway service: there is no HTTP endpoint to deploy or smoke-test. */
function assertServesHttp(tree: Tree, generator: string, target: DeployTarget): void {
  const transport = readGeneratorRecord(tree, target.root, SERVICE_GENERATOR)?.options['transport'];
  if (transport === 'stdio') {
    throw new OptionsError(
      `Invalid options for @slipway/nx:${generator}; nothing was written.\n  --project: ${target.project} serves MCP over stdio only, so there is no HTTP endpoint to deploy; regenerate it with --transport=both (or http), or use --azure=false for CI only.`,
    );
  }
}

export function resolveDelivery(
  tree: Tree,
  generator: string,
  target: DeployTarget,
  environments: readonly string[],
  deploys: boolean,
): Delivery {
  if (deploys) assertServesHttp(tree, generator, target);
  const root = target.root === '.' ? '' : target.root;
  const lockfile = target.lockfile;
  return {
    project: target.project,
    root,
    scriptsDir: joinPathFragments(root, 'scripts'),
    dockerfile: joinPathFragments(root, 'Dockerfile'),
    buildContext: target.inWorkspace || root === '' ? '.' : root,
    triggerPaths: root === '' || lockfile.startsWith(`${root}/`) ? [root === '' ? '**' : `${root}/**`] : [`${root}/**`, lockfile],
    containerApp: target.project,
    environments: environments.map((name) => ({ name, resourceGroup: resourceGroupName(target.project, name) })),
    smokeTool: target.managed ? SMOKE_TOOL : '',
    smokeToolArguments: target.managed ? SMOKE_TOOL_ARGUMENTS : '{}',
    databaseUrlForTests: target.database === 'none' ? undefined : TEST_DATABASE.url,
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

/** `orders-api` → `ORDERS_API`, the prefix of the service's CI variables. */
export function variablePrefix(project: string): string {
  return project.toUpperCase().replace(/[^A-Z0-9]+/g, '_');
}
