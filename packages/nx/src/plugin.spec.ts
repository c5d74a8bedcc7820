import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { CreateNodesContextV2, TargetConfiguration } from '@nx/devkit';
import { createTreeWithEmptyWorkspace } from '@nx/devkit/testing';
import { afterAll, describe, expect, it } from 'vitest';
import { generateService } from '../../../generators/spec-support.js';
import { repoRoot } from '../../../tools/repo-root.js';
import { createNodes } from './plugin.js';

const made: string[] = [];
afterAll(() => {
  for (const dir of made) rmSync(dir, { recursive: true, force: true });
});

async function targetsOf(answers: string | undefined): Promise<Record<string, TargetConfiguration>> {
  mkdirSync(join(repoRoot, 'tmp'), { recursive: true });
  const dir = mkdtempSync(join(repoRoot, 'tmp', 'plugin-'));
  made.push(dir);
  mkdirSync(join(dir, 'services/orders'), { recursive: true });
  if (answers !== undefined) writeFileSync(join(dir, 'services/orders/.slipway-answers.json'), answers);
  const context = { workspaceRoot: dir, nxJsonConfiguration: {} } as CreateNodesContextV2;
  const results = await createNodes[1](['services/orders/.slipway-answers.json'], {}, context);
  const [, result] = results[0]!;
  return result.projects?.['services/orders']?.targets ?? {};
}

describe('the plugin', () => {
  it('infers a cached validate target whose inputs include the workspace files the project owns', async () => {
    const tree = createTreeWithEmptyWorkspace();
    await generateService(tree, { deploy: 'docker,github-actions' as never });
    const targets = await targetsOf(tree.read('services/orders/.slipway-answers.json', 'utf-8')!);
    const validate = targets['validate']!;
    expect(validate).toMatchObject({
      executor: 'nx:run-commands',
      cache: true,
      options: { command: 'slipway-validate . {projectName}' },
      configurations: { ci: { command: 'slipway-validate . {projectName} --require-tools' } },
    });
    expect(validate.inputs).toContain('{projectRoot}/**/*');
    expect(validate.inputs).toContain('{workspaceRoot}/.github/workflows/ci.yml');
    expect(validate.inputs).toContainEqual({ externalDependencies: ['@slipway/validate'] });
    expect(targets['slipway-check']).toMatchObject({ executor: '@slipway/nx:check' });
  });

  it('an answers file that does not parse adds no workspace inputs (slipway-validate reports it)', async () => {
    const validate = (await targetsOf('{ not json'))['validate']!;
    expect(validate.inputs).toEqual(['{projectRoot}/**/*', { externalDependencies: ['@slipway/validate'] }]);
  });
});
