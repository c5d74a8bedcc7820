import { joinPathFragments, type Tree } from '@nx/devkit';
import { hasConformanceTarget } from '../../../packages/nx/src/conformance.js';
import { ciImages, ciTools, imageReference } from '../../../packages/nx/src/versions.js';
import { scriptVariables, TEST_DATABASE, testScript } from '../../../packages/nx/src/deployment/delivery.js';
import type { AzurePipelinesContext } from './normalize-options.js';

/** One deployment stage, in deployment order. */
export interface DeployStage {
  readonly stage: string;
  readonly environment: string;
  /** The image stage comes first: `stageDependencies.Image` resolves only for direct dependencies. */
  readonly dependsOn: readonly string[];
  readonly resourceGroup: string;
}

const JUNIT = 'reports/junit.xml';

/** `Deploy_staging`: stage names allow letters, digits and underscores only. */
export function stageName(environment: string): string {
  return `Deploy_${environment.replace(/-/g, '_')}`;
}

/** Every decision the azure-pipelines templates branch on, named and made here rather than in EJS. */
export function templateVariables(tree: Tree, { options, target, delivery }: AzurePipelinesContext) {
  const test = testScript(tree, target.root);
  const vitest = test !== undefined && /\bvitest\b/.test(test);
  const reporterArguments = vitest ? ` -- --reporter=default --reporter=junit --outputFile.junit=${JUNIT}` : '';
  const deployStages: DeployStage[] = delivery.environments.map((environment, index) => ({
    stage: stageName(environment.name),
    environment: environment.name,
    dependsOn: index === 0 ? ['Image'] : ['Image', stageName(delivery.environments[index - 1]!.name)],
    resourceGroup: environment.resourceGroup,
  }));
  return {
    ...scriptVariables(delivery),
    projectRoot: delivery.root,
    // Azure Pipelines path filters match folder prefixes; a root project has nothing to filter on.
    triggerPaths: delivery.root === '' ? [] : delivery.triggerPaths.map((path) => path.replace(/\/\*\*$/, '')),
    tools: ciTools,
    trivyImage: imageReference(ciImages.trivy),
    nodeLine: delivery.nodeLine,
    testDatabase: TEST_DATABASE,
    hasDatabase: delivery.databaseUrlForTests !== undefined,
    inWorkspace: target.inWorkspace,
    workingDirectory: target.inWorkspace ? '' : delivery.root,
    lockfile: target.lockfile,
    buildCommand: target.inWorkspace ? `npx nx run-many -t lint typecheck build --projects=${target.project}` : 'npm run lint --if-present && npm run build',
    // Slipway's validators on the managed files (nx run <project>:validate, inferred by the plugin); CI fails on a missing tool.
    validateCommand: target.inWorkspace ? `npx nx run ${target.project}:validate -c ci` : '',
    hasTests: test !== undefined,
    // The service's MCP conformance run (new-mcp-service's target); the job's Node line is 22 or later.
    conformanceCommand: target.inWorkspace && hasConformanceTarget(tree, target.root) ? `npx nx run ${target.project}:conformance` : '',
    // --if-present: a project without a migrate script has nothing to migrate.
    migrateCommand: target.inWorkspace ? `npm run migrate --workspace=${target.packageName} --if-present` : 'npm run migrate --if-present',
    migrationJob: delivery.migrationJob,
    testCommand: target.inWorkspace ? `npm run test --workspace=${target.packageName}${reporterArguments}` : `npm run test${reporterArguments}`,
    publishesTestResults: vitest,
    testResults: joinPathFragments(delivery.root, JUNIT),
    dockerfile: delivery.dockerfile,
    buildContext: delivery.buildContext,
    serviceConnection: options.serviceConnection,
    registryConnection: options.registryConnection,
    containerApp: delivery.containerApp,
    smokeTokenResource: delivery.smokeTokenResource,
    deployStages,
  };
}
