import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { createTreeWithEmptyWorkspace } from '@nx/devkit/testing';
import { describe, expect, it } from 'vitest';
import dockerGenerator from '../../../generators/docker/generator.js';
import newMcpServiceGenerator from '../../../generators/new-mcp-service/generator.js';
import type { DockerSchema } from '../../../generators/docker/schema.js';
import { dockerfileProblems, dockerfileValidator } from './dockerfile.js';

const fixtures = join(import.meta.dirname, '__fixtures__/dockerfile');

async function generated(setup: 'service' | 'adopted' | 'adopted-member', options: Partial<DockerSchema> = {}): Promise<string> {
  const tree = createTreeWithEmptyWorkspace();
  let project = 'orders';
  if (setup === 'service') {
    await newMcpServiceGenerator(tree, { name: 'orders', skipInstall: true });
  } else {
    project = 'legacy';
    if (setup === 'adopted-member') tree.write('package.json', JSON.stringify({ name: 'ws', workspaces: ['apps/*'] }));
    tree.write('apps/legacy/project.json', JSON.stringify({ name: 'legacy', root: 'apps/legacy' }));
    tree.write('apps/legacy/package.json', JSON.stringify({ name: '@acme/legacy', scripts: { build: 'tsc', start: 'node server.js' } }));
  }
  await dockerGenerator(tree, { project, ...options });
  return tree.read(setup === 'service' ? 'services/orders/Dockerfile' : 'apps/legacy/Dockerfile', 'utf-8')!;
}

describe('Dockerfile validator', () => {
  it.each([
    ['a Slipway service', 'service', {}],
    ['a Slipway service on Node 24', 'service', { nodeVersion: '24' }],
    ['an adopted standalone project', 'adopted', {}],
    ['an adopted npm workspace member', 'adopted-member', { port: 8080, healthPath: '/health' }],
  ] as const)('passes the generated Dockerfile of %s', async (_, setup, options) => {
    expect(dockerfileProblems(await generated(setup, options))).toEqual([]);
  });

  it.each([
    ['copy-from-unknown-stage', /COPY --from=biuld names no earlier build stage/],
    ['user-root', /runs as root \(USER root\)/],
    ['user-zero', /runs as root \(USER 0:0\)/],
    ['no-user', /sets no USER, so the container runs as root/],
    ['latest-base', /uses the "latest" tag/],
    ['untagged-base', /"node" has no tag/],
    ['unpinned-base', /"node:22-bookworm-slim" is not pinned by digest/],
    ['arg-base-without-default', /build argument with no default/],
    ['no-healthcheck', /has no HEALTHCHECK/],
    ['healthcheck-none', /HEALTHCHECK NONE disables the health check/],
    ['unknown-instruction', /Unknown instruction: COPPY/],
    ['bad-healthcheck-flag', /Unknown flag: intervall/],
  ])('fails %s.Dockerfile with the expected message', async (fixture, message) => {
    const file = `${fixture}.Dockerfile`;
    const problems = await dockerfileValidator.validate(new Map([[file, readFileSync(join(fixtures, file), 'utf8')]]));
    expect(problems.map((p) => p.message)).toEqual(expect.arrayContaining([expect.stringMatching(message)]));
    expect(problems.every((p) => p.file === file)).toBe(true);
  });

  it('applies to Dockerfiles and Containerfiles, not to ignore files', () => {
    for (const path of ['Dockerfile', 'services/orders/Dockerfile', 'Containerfile', 'Dockerfile.prod', 'api.Dockerfile']) {
      expect(dockerfileValidator.appliesTo(path), path).toBe(true);
    }
    for (const path of ['.dockerignore', 'Dockerfile.dockerignore', 'compose.yaml', 'docs/Dockerfile.md']) {
      expect(dockerfileValidator.appliesTo(path), path).toBe(false);
    }
  });
});
