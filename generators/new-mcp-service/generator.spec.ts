import { readJson, readProjectConfiguration, type Tree } from '@nx/devkit';
import { createTreeWithEmptyWorkspace } from '@nx/devkit/testing';
import { beforeEach, describe, expect, it } from 'vitest';
import { answersFileName, type AnswersFile } from '../../packages/nx/src/answers.js';
import { versions } from '../../packages/nx/src/versions.js';
import generator from './generator.js';
import type { NewMcpServiceSchema } from './schema.js';
import { treeFiles as snapshotTree } from '../../packages/nx/src/testing-support.js';

async function generate(tree: Tree, options: Partial<NewMcpServiceSchema> & { name: string }): Promise<void> {
  await generator(tree, { skipInstall: true, ...options });
}

describe('new-mcp-service', () => {
  let tree: Tree;

  beforeEach(() => {
    tree = createTreeWithEmptyWorkspace();
  });

  describe('files and project configuration', () => {
    it('creates a runnable service under services/<name>', async () => {
      await generate(tree, { name: 'orders' });
      for (const file of [
        'package.json',
        'project.json',
        'tsconfig.json',
        'tsconfig.build.json',
        'vitest.config.ts',
        'README.md',
        '.gitignore',
        '.env.example',
        'src/main.ts',
        'src/stdio.ts',
        'src/config.ts',
        'src/database.ts',
        'src/migrate.ts',
        'src/service-info.ts',
        'src/capabilities/index.ts',
        'src/capabilities/text-stats.ts',
        'src/capabilities/notes.ts',
        'src/capabilities/resources.ts',
        'src/capabilities/prompts.ts',
        'src/db/migrations/0001_create_notes.sql',
        'test/tools.test.ts',
        'test/health.test.ts',
        answersFileName,
      ]) {
        expect(tree.exists(`services/orders/${file}`), file).toBe(true);
      }
      expect(tree.exists('services/orders/layer.json')).toBe(false);
      expect(tree.read('services/orders/src/config.ts', 'utf-8')).toContain('default: 3000 })');
    });

    it('registers an Nx project with cached build/test and continuous serve/inspect targets', async () => {
      await generate(tree, { name: 'orders', tags: 'scope:orders,team:platform' });
      const project = readProjectConfiguration(tree, 'orders');
      expect(project.root).toBe('services/orders');
      expect(project.projectType).toBe('application');
      expect(project.tags).toEqual(['scope:orders', 'team:platform', 'type:mcp-service']);
      expect(Object.keys(project.targets ?? {})).toEqual(['build', 'conformance', 'inspect', 'lint', 'migrate', 'serve', 'test', 'typecheck']);
      expect(project.targets?.['migrate']).toEqual({ dependsOn: ['build'], executor: 'nx:run-script', options: { script: 'migrate' } });
      expect(project.targets?.['build']).toMatchObject({ cache: true, outputs: ['{projectRoot}/dist'] });
      expect(project.targets?.['serve']?.continuous).toBe(true);
      expect(project.targets?.['inspect']).toMatchObject({ continuous: true, dependsOn: [{ target: 'serve', waitFor: 'ready' }] });
      expect(project.targets?.['serve']?.readyWhen).toEqual({ url: 'http://127.0.0.1:{env.PORT ?? 3000}/readyz' });
      expect(project.targets?.['inspect']?.options.command).toContain('http://localhost:3000/mcp');
    });

    it('pins every dependency from the versions map and adds the service to the npm workspaces', async () => {
      await generate(tree, { name: 'orders' });
      const pkg = readJson(tree, 'services/orders/package.json');
      expect(pkg.scripts).toMatchObject({
        build: expect.any(String),
        start: 'node dist/main.js',
        dev: expect.any(String),
        test: 'vitest run',
        migrate: 'node dist/migrate.js',
      });
      expect(pkg.dependencies).toEqual({
        '@electric-sql/pglite': versions['@electric-sql/pglite'],
        '@electric-sql/pglite-pgvector': versions['@electric-sql/pglite-pgvector'],
        '@modelcontextprotocol/server': versions['@modelcontextprotocol/server'],
        '@slipway/mcp-runtime': versions['@slipway/mcp-runtime'],
        pg: versions.pg,
        zod: versions.zod,
      });
      expect(Object.keys(pkg.devDependencies)).toContain('@modelcontextprotocol/client');
      expect(JSON.stringify(pkg)).not.toContain('@modelcontextprotocol/sdk');
      expect(readJson(tree, 'package.json').workspaces).toContain('services/*');
    });

    it('records the generator, version and normalized options in the answers file', async () => {
      await generate(tree, { name: 'orders' });
      const answers = readJson<AnswersFile>(tree, `services/orders/${answersFileName}`);
      const record = answers.records['@slipway/nx:new-mcp-service'];
      expect(record?.options).toEqual({
        name: 'orders',
        directory: 'services/orders',
        transport: 'both',
        database: 'pglite',
        port: 3000,
        tags: ['type:mcp-service'],
        preset: 'minimal',
      });
      expect(record?.files['src/main.ts']).toMatch(/^sha256:[0-9a-f]{64}$/);
    });
  });

  describe('option normalization', () => {
    it('gives each service its own port, and keeps it on re-runs', async () => {
      await generate(tree, { name: 'orders' });
      await generate(tree, { name: 'billing' });
      await generate(tree, { name: 'search', port: 4100 });
      await generate(tree, { name: 'orders' });
      const port = (name: string) => readJson<AnswersFile>(tree, `services/${name}/${answersFileName}`).records['@slipway/nx:new-mcp-service']?.options['port'];
      expect([port('orders'), port('billing'), port('search')]).toEqual([3000, 3001, 4100]);
    });

    it('refuses a port another service already uses', async () => {
      await generate(tree, { name: 'orders' });
      await expect(generate(tree, { name: 'billing', port: 3000 })).rejects.toThrow(/--port: 3000 is already used by service "orders"/);
    });

    it('honours a custom directory', async () => {
      await generate(tree, { name: 'orders', directory: './apps/mcp/orders/' });
      expect(readProjectConfiguration(tree, 'orders').root).toBe('apps/mcp/orders');
      expect(readJson(tree, 'package.json').workspaces).toContain('apps/mcp/*');
    });

    it('http only: no stdio entry point', async () => {
      await generate(tree, { name: 'orders', transport: 'http' });
      expect(tree.exists('services/orders/src/stdio.ts')).toBe(false);
      expect(tree.exists('services/orders/src/main.ts')).toBe(true);
      expect(readJson(tree, 'services/orders/package.json').scripts['start:stdio']).toBeUndefined();
    });

    it('stdio only: no HTTP entry point, and inspect spawns the stdio server', async () => {
      await generate(tree, { name: 'orders', transport: 'stdio' });
      expect(tree.exists('services/orders/src/main.ts')).toBe(false);
      expect(tree.exists('services/orders/test/health.test.ts')).toBe(false);
      expect(readJson(tree, 'services/orders/package.json').scripts.start).toBe('node dist/stdio.js');
      expect(readProjectConfiguration(tree, 'orders').targets?.['inspect']?.options.command).toContain('node dist/stdio.js');
    });

    it('database none: no database code or drivers', async () => {
      await generate(tree, { name: 'orders', database: 'none' });
      expect(tree.exists('services/orders/src/database.ts')).toBe(false);
      expect(tree.exists('services/orders/src/migrate.ts')).toBe(false);
      expect(readProjectConfiguration(tree, 'orders').targets?.['migrate']).toBeUndefined();
      expect(tree.exists('services/orders/src/db/migrations/0001_create_notes.sql')).toBe(false);
      expect(tree.exists('services/orders/src/capabilities/notes.ts')).toBe(false);
      const pkg = readJson(tree, 'services/orders/package.json');
      expect(Object.keys(pkg.dependencies)).not.toContain('pg');
      expect(pkg.scripts.migrate).toBeUndefined();
      expect(tree.read('services/orders/src/main.ts', 'utf-8')).not.toContain('database');
    });

    it.each(['pglite', 'postgres', 'none'] as const)('database %s: bearer auth comes from AUTH_* config, off unless AUTH_ISSUER is set', async (database) => {
      await generate(tree, { name: 'orders', database });
      const read = (file: string) => tree.read(`services/orders/${file}`, 'utf-8') ?? '';
      expect(read('src/config.ts')).toContain('baseConfigSchema.extend(authConfigSchema.shape).extend({');
      expect(read('src/main.ts')).toMatch(/^import \{ createLogger, .*loadAuthOptions, /m);
      expect(read('src/main.ts')).toContain('const auth = loadAuthOptions(config);');
      expect(read('src/main.ts')).toMatch(/startHttpService\(\{[^;]*\bauth\b[^;]*\}\);/);
      for (const variable of ['AUTH_ISSUER', 'AUTH_AUDIENCE', 'AUTH_JWKS_URL', 'AUTH_RESOURCE_URL']) {
        expect(read('README.md')).toContain(`| \`${variable}\` |`);
        expect(read('.env.example')).toContain(`# ${variable}=`);
      }
    });

    it('stdio only: no AUTH_* settings (stdio has no bearer token)', async () => {
      await generate(tree, { name: 'orders', transport: 'stdio' });
      for (const file of ['src/config.ts', 'README.md', '.env.example']) expect(tree.read(`services/orders/${file}`, 'utf-8'), file).not.toContain('AUTH_');
      expect(tree.read('services/orders/src/config.ts', 'utf-8')).not.toContain('authConfigSchema');
    });

    it('database postgres: DATABASE_URL is required and PGlite is not installed', async () => {
      await generate(tree, { name: 'orders', database: 'postgres' });
      expect(tree.read('services/orders/src/config.ts', 'utf-8')).toContain('DATABASE_URL: z.string().url()');
      const pkg = readJson(tree, 'services/orders/package.json');
      expect(Object.keys(pkg.dependencies)).toContain('pg');
      expect(Object.keys(pkg.dependencies)).not.toContain('@electric-sql/pglite');
    });
  });

  describe('bad input', () => {
    it.each([
      ['Orders', /lowercase/],
      ['o', /2 to 32 characters/],
      ['1orders', /start with a lowercase letter/],
      ['orders-', /end with a letter or digit/],
      ['my--orders', /two hyphens/],
      ['orders_api', /lowercase letters, digits and hyphens.*Try "orders-api"/],
      ['a'.repeat(33), /2 to 32 characters/],
    ])('rejects the name %j, naming the option and the rule, and writes nothing', async (name, rule) => {
      const before = snapshotTree(tree);
      const error = (await generate(tree, { name }).then(
        () => undefined,
        (e: unknown) => e,
      )) as Error;
      expect(error).toBeInstanceOf(Error);
      expect(error.message).toMatch(/--name:/);
      expect(error.message).toMatch(rule);
      expect(error.message).toContain('nothing was written');
      expect(snapshotTree(tree)).toEqual(before);
    });

    it.each([
      [{ transport: 'sse' }, /--transport: must be one of both, http, stdio/],
      [{ database: 'mysql' }, /--database: must be one of pglite, postgres, none/],
      [{ port: 80 }, /--port: must be at least 1024/],
      [{ port: 'abc' }, /--port: must be a number/],
      [{ directory: '../outside' }, /--directory: must stay inside the workspace/],
      [{ directory: '/abs/path' }, /--directory: must be relative/],
      [{ tags: 'bad tag!' }, /--tags:/],
      [{ preset: 'shop' }, /--preset: must be one of minimal, retail/],
      [{ preset: 'retail', database: 'none' }, /--database: the retail preset keeps its data in PostgreSQL: use --database=pglite/],
    ])('rejects %j and writes nothing', async (extra, message) => {
      const before = snapshotTree(tree);
      await expect(generate(tree, { name: 'orders', ...(extra as object) })).rejects.toThrow(message);
      expect(snapshotTree(tree)).toEqual(before);
    });

    it.each([
      ['services/orders', /--directory: services\/orders holds the project "orders" \(services\/orders\)/],
      ['services/orders/shipping', /--directory: services\/orders\/shipping is inside the project "orders"/],
      ['services', /--directory: services contains the project "orders"/],
    ])('refuses --directory=%s next to an existing service, naming it, and writes nothing', async (directory, message) => {
      await generate(tree, { name: 'orders', deploy: 'none' });
      const before = snapshotTree(tree);
      await expect(generate(tree, { name: 'shipping', directory, deploy: 'none' })).rejects.toThrow(message);
      expect(snapshotTree(tree)).toEqual(before);
    });

    it('rejects a missing name', async () => {
      await expect(generator(tree, {} as NewMcpServiceSchema)).rejects.toThrow(/--name: is required/);
    });
  });

  describe('retail preset', () => {
    it('renders the retail layer on top of the server layer', async () => {
      await generate(tree, { name: 'sales', preset: 'retail' });
      const root = 'services/sales';
      for (const file of [
        'src/db/migrations/0001_retail_schema.sql',
        'src/db/migrations/0002_retail_security.sql',
        'src/db/migrations/0003_retail_embeddings.sql',
        'src/db/migrations/0004_retail_scope_tokens.sql',
        'src/migrate.ts',
        'src/retail/analyst.ts',
        'src/retail/scope.ts',
        'src/retail/sql-guard.ts',
        'src/retail/embeddings.ts',
        'src/retail/seed.ts',
        'src/capabilities/sales-tools.ts',
        'test/sql-guard.test.ts',
        'test/sales-tools.test.ts',
        // From the server layer, unchanged.
        'src/database.ts',
        'src/capabilities/resources.ts',
        'tsconfig.build.json',
      ]) {
        expect(tree.exists(`${root}/${file}`), file).toBe(true);
      }
      // The minimal examples the retail layer omits.
      for (const file of ['src/capabilities/notes.ts', 'src/capabilities/text-stats.ts', 'src/db/migrations/0001_create_notes.sql', 'test/tools.test.ts']) {
        expect(tree.exists(`${root}/${file}`), file).toBe(false);
      }
      // Files with the same path replace the server layer's.
      expect(tree.read(`${root}/src/main.ts`, 'utf-8')).toContain('auth,');
      expect(tree.read(`${root}/src/capabilities/index.ts`, 'utf-8')).toContain('salesTools');
      expect(tree.read(`${root}/src/service-info.ts`, 'utf-8')).toContain('execute_sales_query');
      expect(tree.read(`${root}/src/db/migrations/0002_retail_security.sql`, 'utf-8')).toContain('FORCE ROW LEVEL SECURITY');
    });

    it('takes the store from the verified token, never from a header', async () => {
      await generate(tree, { name: 'sales', preset: 'retail' });
      const scope = tree.read('services/sales/src/retail/scope.ts', 'utf-8')!;
      expect(scope).toContain("set_config('app.scope', retail.mint_scope($1, $2, pg_backend_pid()), true)");
      expect(scope).not.toMatch(/\.headers|\.http\b|requestInfo/);
      expect(tree.read('services/sales/src/main.ts', 'utf-8')).toContain('scopeFromAuthInfo(ctx.authInfo');
    });

    it('adds the SQL parser from the versions map, and records the preset', async () => {
      await generate(tree, { name: 'sales', preset: 'retail', database: 'postgres' });
      const pkg = readJson(tree, 'services/sales/package.json');
      expect(pkg.dependencies['libpg-query']).toBe(versions['libpg-query']);
      expect(pkg.devDependencies['fast-check']).toBe(versions['fast-check']);
      expect(Object.keys(pkg.dependencies)).not.toContain('@electric-sql/pglite');
      expect(tree.read('services/sales/src/config.ts', 'utf-8')).toContain('DATABASE_URL: z.string().url()');
      const record = readJson<AnswersFile>(tree, `services/sales/${answersFileName}`).records['@slipway/nx:new-mcp-service'];
      expect(record?.options['preset']).toBe('retail');
      expect(Object.keys(record?.files ?? {})).toContain('src/retail/sql-guard.ts');
      expect(Object.keys(record?.files ?? {})).not.toContain('src/capabilities/notes.ts');
    });

    it('stdio only: no HTTP entry point, and the operator names the store', async () => {
      await generate(tree, { name: 'sales', preset: 'retail', transport: 'stdio' });
      expect(tree.exists('services/sales/src/main.ts')).toBe(false);
      expect(tree.exists('services/sales/test/health.test.ts')).toBe(false);
      expect(tree.read('services/sales/src/stdio.ts', 'utf-8')).toContain('STDIO_STORE_ID');
    });

    it('gets pgvector from the deployment generators: the pgvector image in compose, VECTOR allow-listed on Azure', async () => {
      await generate(tree, { name: 'sales', preset: 'retail', deploy: 'compose,azure' });
      expect(tree.read('services/sales/compose.yaml', 'utf-8')).toContain('pgvector/pgvector:');
      expect(tree.read('services/sales/infra/modules/postgres.bicep', 'utf-8')).toMatch(/azure\.extensions[\s\S]*VECTOR/);
    });

    it('changes nothing, byte for byte, on a re-run', async () => {
      await generate(tree, { name: 'sales', preset: 'retail' });
      const first = snapshotTree(tree);
      await generate(tree, { name: 'sales', preset: 'retail' });
      expect(snapshotTree(tree)).toEqual(first);
    });
  });

  describe('re-running', () => {
    it('changes nothing, byte for byte, on an unchanged service', async () => {
      await generate(tree, { name: 'orders', tags: 'scope:orders' });
      const first = snapshotTree(tree);
      await generate(tree, { name: 'orders', tags: 'scope:orders' });
      expect(snapshotTree(tree)).toEqual(first);
    });

    it('keeps a file the user edited, and updates the ones they did not touch', async () => {
      await generate(tree, { name: 'orders' });
      const edited = `${tree.read('services/orders/README.md', 'utf-8')}\nOur own notes.\n`;
      tree.write('services/orders/README.md', edited);
      await generate(tree, { name: 'orders', port: 4000 });
      expect(tree.read('services/orders/README.md', 'utf-8')).toBe(edited);
      expect(tree.read('services/orders/src/config.ts', 'utf-8')).toContain('default: 4000 })');
      // The record keeps the hash of what we generated, so the README still counts as edited next time.
      await generate(tree, { name: 'orders', port: 4000 });
      expect(tree.read('services/orders/README.md', 'utf-8')).toBe(edited);
    });

    it('leaves a deleted file deleted', async () => {
      await generate(tree, { name: 'orders' });
      tree.delete('services/orders/.env.example');
      await generate(tree, { name: 'orders' });
      expect(tree.exists('services/orders/.env.example')).toBe(false);
    });

    it('never touches write-once domain code again, edited or not', async () => {
      await generate(tree, { name: 'orders' });
      const index = tree.read('services/orders/src/capabilities/index.ts', 'utf-8');
      tree.write('services/orders/src/capabilities/text-stats.ts', '// mine\n');
      await generate(tree, { name: 'orders', database: 'none' });
      expect(tree.read('services/orders/src/capabilities/text-stats.ts', 'utf-8')).toBe('// mine\n');
      expect(tree.read('services/orders/src/capabilities/index.ts', 'utf-8')).toBe(index);
    });

    it('does not overwrite files of a folder Slipway did not create', async () => {
      tree.write('services/orders/README.md', '# Hand-written\n');
      await generate(tree, { name: 'orders' });
      expect(tree.read('services/orders/README.md', 'utf-8')).toBe('# Hand-written\n');
      expect(tree.exists('services/orders/src/main.ts')).toBe(true);
    });
  });
});

describe('new-mcp-service --deploy', () => {
  let tree: Tree;
  const records = (t: Tree) => Object.keys(readJson<AnswersFile>(t, `services/orders/${answersFileName}`).records).sort();

  beforeEach(() => {
    tree = createTreeWithEmptyWorkspace();
  });

  it('composes docker and compose by default, each recording its own generation', async () => {
    await generate(tree, { name: 'orders' });
    expect(tree.exists('services/orders/Dockerfile')).toBe(true);
    expect(records(tree)).toEqual(['@slipway/nx:compose', '@slipway/nx:docker', '@slipway/nx:new-mcp-service']);
  });

  it('composes exactly the targets asked for, and none with --deploy=none', async () => {
    await generate(tree, { name: 'orders', deploy: 'k8s,github-actions' });
    expect(records(tree)).toEqual(['@slipway/nx:github-actions', '@slipway/nx:k8s', '@slipway/nx:new-mcp-service']);
    const bare = createTreeWithEmptyWorkspace();
    await generate(bare, { name: 'orders', deploy: 'none' });
    expect(records(bare)).toEqual(['@slipway/nx:new-mcp-service']);
  });

  it('composes nothing by default for a stdio-only service', async () => {
    await generate(tree, { name: 'orders', transport: 'stdio' });
    expect(records(tree)).toEqual(['@slipway/nx:new-mcp-service']);
  });

  it('rejects an unknown target, naming the option, and writes nothing', async () => {
    const before = snapshotTree(tree);
    await expect(generate(tree, { name: 'orders', deploy: 'docker,helm' })).rejects.toThrow(/--deploy: must be "none" or a comma-separated list/);
    expect(snapshotTree(tree)).toEqual(before);
  });

  it('with all six targets, a re-run changes nothing', async () => {
    const all = 'docker,compose,k8s,azure,github-actions,azure-pipelines';
    await generate(tree, { name: 'orders', deploy: all });
    expect(records(tree)).toHaveLength(7);
    const first = snapshotTree(tree);
    await generate(tree, { name: 'orders', deploy: all });
    expect(snapshotTree(tree)).toEqual(first);
  });
});
