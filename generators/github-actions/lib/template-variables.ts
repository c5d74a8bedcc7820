import { ciTools, defaultNodeLine, githubActions } from '../../../packages/nx/src/versions.js';
import { scriptVariables, TEST_DATABASE } from '../../../packages/nx/src/deployment/delivery.js';
import { environmentVariablePart } from '../../../packages/nx/src/names.js';
import type { GithubActionsContext } from './normalize-options.js';

/** One deploy job of the delivery workflow, in deployment order. */
export interface DeployJob {
  readonly id: string;
  readonly environment: string;
  /** Every job whose outputs it reads must be listed: the needs context holds direct dependencies only. */
  readonly needs: readonly string[];
  readonly resourceGroup: string;
}

/** Every decision the github templates branch on, named and made here rather than in EJS. */
export function templateVariables({ options, delivery, registryKind }: GithubActionsContext) {
  const { project } = delivery;
  const registryHost = options.registry.split('/')[0]!;
  const prefix = environmentVariablePart(project);
  const deployJobs: DeployJob[] = (options.azure ? delivery.environments : []).map((environment, index) => ({
    id: `deploy-${environment.name}`,
    environment: environment.name,
    // build scans the image before pushing it, so a deploy never sees an unscanned image.
    needs: index === 0 ? ['build'] : ['build', `deploy-${delivery.environments[index - 1]!.name}`],
    resourceGroup: environment.resourceGroup,
  }));
  return {
    ...scriptVariables(delivery),
    projectRoot: delivery.root,
    workflowFile: `.github/workflows/${project}-delivery.yml`,
    actions: githubActions,
    tools: ciTools,
    // ci.yml is the same for every service, so it tests on the default line rather than one service's.
    nodeLine: defaultNodeLine,
    testDatabase: TEST_DATABASE,
    dockerfile: delivery.dockerfile,
    buildContext: delivery.buildContext,
    triggerPaths: delivery.triggerPaths,
    registryIsGhcr: registryKind === 'ghcr',
    registryIsAcr: registryKind === 'acr',
    registryIsOther: registryKind === 'other',
    registryHost,
    /** Bare ghcr.io: the image goes under the repository owner, lowercased at run time (`ghcr.io/<owner>/<project>`). */
    imageUnderOwner: options.registry === 'ghcr.io',
    imageName: `${options.registry}/${project}`,
    acrName: registryHost.split('.')[0]!,
    azure: options.azure,
    deployJobs,
    resourceGroupVariable: `${prefix}_RESOURCE_GROUP`,
    containerAppVariable: `${prefix}_CONTAINER_APP`,
    smokeTokenResource: delivery.smokeTokenResource,
    smokeTokenVariable: `${prefix}_SMOKE_TOKEN_RESOURCE`,
    containerApp: delivery.containerApp,
    migrationJob: delivery.migrationJob,
    migrationJobVariable: `${prefix}_MIGRATION_JOB`,
  };
}
