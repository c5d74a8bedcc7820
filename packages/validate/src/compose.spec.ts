import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { createTreeWithEmptyWorkspace } from '@nx/devkit/testing';
import { describe, expect, it } from 'vitest';
import composeGenerator from '../../../generators/compose/generator.js';
import newMcpServiceGenerator from '../../../generators/new-mcp-service/generator.js';
import { composeValidator } from './compose.js';

const fixtures = join(import.meta.dirname, '__fixtures__/compose');

describe('compose validator', () => {
  it('has docker-compose v1 to run `config -q` with (CI installs it from Debian)', () => {
    expect(execFileSync('docker-compose', ['version', '--short'], { encoding: 'utf8' })).toMatch(/^1\.\d+/);
  });

  it('passes every generated compose file: development, production and monitoring, with Redis and a build secret', async () => {
    const tree = createTreeWithEmptyWorkspace();
    tree.write('.npmrc', '@slipway:registry=http://127.0.0.1:4873/\n');
    await newMcpServiceGenerator(tree, { name: 'orders', skipInstall: true });
    await composeGenerator(tree, { project: 'orders', redis: true, monitoring: true });
    const files = new Map(['compose.yaml', 'compose.prod.yaml', 'compose.monitoring.yaml'].map((f) => [f, tree.read(`services/orders/${f}`, 'utf-8')!]));
    expect(await composeValidator.validate(files)).toEqual([]);
  });

  it.each([
    ['version-key', /the top-level "version" key is obsolete/],
    ['literal-password', /services\.postgres\.environment\.POSTGRES_PASSWORD is a literal secret/],
    ['literal-default-password', /GF_SECURITY_ADMIN_PASSWORD falls back to a literal secret/],
    ['url-password', /DATABASE_URL has a literal password in its URL/],
    ['missing-dependency', /depends_on names "postgress", which is not a service/],
    ['missing-dependency', /docker-compose config: Service 'app' depends on service 'postgress' which is undefined/],
    ['healthy-without-healthcheck', /waits for "postgres" to be healthy, but postgres defines no healthcheck/],
    ['redis-healthcheck-without-auth', /sets --requirepass but its healthcheck does not authenticate/],
    ['typo-key', /compose schema: \/services\/postgres: unknown field "healthchek"/],
    ['wrong-type', /compose schema: \/services\/app\/cap_drop: must be array/],
    ['undeclared-volume', /uses the named volume "postgres-data", which the top-level volumes do not declare/],
    ['undeclared-secret', /uses the secret "npmrc", which the top-level secrets do not declare/],
    ['unpinned-image', /"pgvector\/pgvector:latest" is not pinned by digest/],
    ['bad-interpolation', /docker-compose config: Invalid interpolation format/],
    ['serving-owner-credential', /services\.app\.environment\.DATABASE_URL passes the database owner's password \(\$\{POSTGRES_PASSWORD\}\)/],
    ['serving-owner-credential', /services\.app\.environment\.DATABASE_URL connects as the PostgreSQL owner "orders"/],
    ['published-ops-port', /services\.app\.ports publishes the ops port 9464 \(OPS_PORT: \/metrics, \/readyz\) on the host/],
    ['migration-url-on-service', /services\.app has DATABASE_MIGRATION_URL \(the database owner\) but is not a one-shot migration service/],
    ['migration-url-on-service', /services\.app\.environment\.DATABASE_MIGRATION_URL connects as the PostgreSQL owner "postgres"/],
  ])('fails %s.yaml: %s', async (fixture, message) => {
    // Validated under a compose file name, which is what the validator applies to.
    const file = `${fixture}/compose.yaml`;
    const problems = await composeValidator.validate(new Map([[file, readFileSync(join(fixtures, `${fixture}.yaml`), 'utf8')]]));
    expect(problems.map((p) => p.message)).toEqual(expect.arrayContaining([expect.stringMatching(message)]));
    expect(problems.every((p) => p.file === file)).toBe(true);
  });

  it('applies to compose files only', () => {
    for (const path of ['compose.yaml', 'services/orders/compose.prod.yaml', 'compose.monitoring.yaml', 'docker-compose.yml', 'docker-compose.override.yml']) {
      expect(composeValidator.appliesTo(path), path).toBe(true);
    }
    for (const path of ['monitoring/prometheus.yml', 'kustomization.yaml', '.github/workflows/ci.yml']) {
      expect(composeValidator.appliesTo(path), path).toBe(false);
    }
  });
});
