import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { createTreeWithEmptyWorkspace } from '@nx/devkit/testing';
import { describe, expect, it } from 'vitest';
import azurePipelinesGenerator from '../../../generators/azure-pipelines/generator.js';
import newMcpServiceGenerator from '../../../generators/new-mcp-service/generator.js';
import { azurePipelinesValidator } from './azure-pipelines.js';

const fixtures = join(import.meta.dirname, '__fixtures__/azure-pipelines');

describe('Azure Pipelines validator', () => {
  it('passes the pipelines Slipway generates', async () => {
    const tree = createTreeWithEmptyWorkspace();
    await newMcpServiceGenerator(tree, { name: 'orders', skipInstall: true });
    await newMcpServiceGenerator(tree, { name: 'billing', database: 'none', skipInstall: true });
    await azurePipelinesGenerator(tree, { project: 'orders' });
    await azurePipelinesGenerator(tree, { project: 'billing', environments: 'dev,qa,prod' });
    const files = new Map(['services/orders/azure-pipelines.yml', 'services/billing/azure-pipelines.yml'].map((p) => [p, tree.read(p, 'utf-8')!]));
    expect(await azurePipelinesValidator.validate(files)).toEqual([]);
  });

  it('parses every scalar as a string, as Azure Pipelines does (unquoted numbers and booleans pass)', async () => {
    const text = 'trigger: none\nsteps:\n  - checkout: self\n    fetchDepth: 1\n    clean: true\n  - script: echo hi\n    continueOnError: true\n';
    expect(await azurePipelinesValidator.validate(new Map([['azure-pipelines.yml', text]]))).toEqual([]);
  });

  it.each([
    ['unknown-task.azure-pipelines.yml', /\/stages\/0\/jobs\/0\/steps\/0: unknown task "PublishTestResult@2"/],
    ['bad-task-input.azure-pipelines.yml', /\/steps\/0\/inputs\/command: must be one of buildAndPush, build, push/],
    ['typo-key.azure-pipelines.yml', /\/stages\/0\/jobs\/0: unknown key "environmnt"/],
    ['not-a-step.azure-pipelines.yml', /\/steps\/0: not a valid step \(expected one of: .*script/],
    ['missing-environment.azure-pipelines.yml', /deployment job Deploy has no environment/],
    ['undefined-stage.azure-pipelines.yml', /stage Image depends on stage "Biuld", which does not exist/],
    ['out-of-order.azure-pipelines.yml', /stage Deploy_production deploys without depending on stage Deploy_staging above it/],
    ['inline-service-principal.azure-pipelines.yml', /logs in with a service principal secret in the script/],
    ['inline-service-principal.azure-pipelines.yml', /variable AZURE_CLIENT_SECRET holds a credential in plain text/],
    ['push-without-scan.azure-pipelines.yml', /stage Image: job Push step 1 pushes the image before a vulnerability scan gates it/],
    [
      'migration-url-for-tests.azure-pipelines.yml',
      /stage Build: job Test step 1 gets DATABASE_MIGRATION_URL \(the database owner\) but does not run the migration/,
    ],
    ['stage-dependencies-not-listed.azure-pipelines.yml', /stage Deploy_production reads stageDependencies\.Image but does not list Image in dependsOn/],
  ])('catches %s: %s', async (name, expected) => {
    const problems = await azurePipelinesValidator.validate(new Map([[name, readFileSync(join(fixtures, name), 'utf8')]]));
    expect(problems.map((p) => p.message)).toContainEqual(expect.stringMatching(expected));
  });

  it('reports only the mistake, not every other task the step could have been', async () => {
    const name = 'bad-task-input.azure-pipelines.yml';
    const problems = await azurePipelinesValidator.validate(new Map([[name, readFileSync(join(fixtures, name), 'utf8')]]));
    expect(problems).toHaveLength(1);
  });
});
