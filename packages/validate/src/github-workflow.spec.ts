import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { createTreeWithEmptyWorkspace } from '@nx/devkit/testing';
import { describe, expect, it } from 'vitest';
import githubActionsGenerator from '../../../generators/github-actions/generator.js';
import newMcpServiceGenerator from '../../../generators/new-mcp-service/generator.js';
import { githubWorkflowValidator } from './github-workflow.js';

const fixtures = join(import.meta.dirname, '__fixtures__/github-workflow');

/** A fixture, at the path the validator looks for workflows under. */
function fixture(name: string): Map<string, string> {
  return new Map([[`.github/workflows/${name}`, readFileSync(join(fixtures, name), 'utf8')]]);
}

describe('GitHub workflow validator', () => {
  it('passes the workflows Slipway generates (every registry kind)', async () => {
    const tree = createTreeWithEmptyWorkspace();
    await newMcpServiceGenerator(tree, { name: 'orders', skipInstall: true });
    await newMcpServiceGenerator(tree, { name: 'billing', skipInstall: true });
    await newMcpServiceGenerator(tree, { name: 'search', skipInstall: true });
    await githubActionsGenerator(tree, { project: 'orders' });
    await githubActionsGenerator(tree, { project: 'billing', registry: 'myregistry.azurecr.io' });
    await githubActionsGenerator(tree, { project: 'search', registry: 'registry.example.com', azure: false });
    const files = new Map(tree.children('.github/workflows').map((f) => [`.github/workflows/${f}`, tree.read(`.github/workflows/${f}`, 'utf-8')!]));
    expect(files.size).toBe(4);
    expect(await githubWorkflowValidator.validate(files)).toEqual([]);
  });

  it.each([
    ['undefined-needs.yml', /Job 'deploy' depends on unknown job 'biuld'/],
    ['bad-expression.yml', /Unexpected end of expression/],
    ['typo-key.yml', /Unexpected value 'run-on'/],
    ['upload-artifact-v3.yml', /actions\/upload-artifact@v3 is a deprecated major version of actions\/upload-artifact; use v4 or later/],
    ['trivy-master.yml', /aquasecurity\/trivy-action@master runs whatever is on the "master" branch/],
    ['azure-login-creds.yml', /azure\/login with creds stores a long-lived service principal secret; use OIDC/],
    ['github-env-across-jobs.yml', /jobs\.deploy reads IMAGE_TAG, which jobs\.build wrote to GITHUB_ENV; .*job outputs/],
    ['missing-permissions.yml', /permissions are not declared/],
    ['needs-not-listed.yml', /jobs\.production reads needs\.build but does not list build in needs:/],
    ['unpinned-third-party.yml', /third-party action docker\/build-push-action@v7 is not pinned/],
    ['unpinned-first-party.yml', /first-party action actions\/checkout@v4 is not pinned by commit SHA/],
    ['push-before-scan.yml', /jobs\.build\.steps\[1\] pushes the image before a vulnerability scan gates it/],
    ['oidc-without-id-token.yml', /azure\/login over OIDC needs `id-token: write`/],
    ['script-injection.yml', /github\.event\.pull_request\.title \}\} is interpolated into a script/],
    ['migration-url-for-tests.yml', /jobs\.test\.env sets DATABASE_MIGRATION_URL \(the database owner\) for every step, tests included/],
  ])('catches %s', async (name, expected) => {
    const problems = await githubWorkflowValidator.validate(fixture(name));
    expect(problems.map((p) => p.message)).toContainEqual(expect.stringMatching(expected));
    expect(problems.every((p) => p.file === `.github/workflows/${name}`)).toBe(true);
  });
});
