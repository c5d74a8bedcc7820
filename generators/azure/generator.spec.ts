import { addProjectConfiguration, logger, readJson, type Tree } from '@nx/devkit';
import { createTreeWithEmptyWorkspace } from '@nx/devkit/testing';
import { parse as parseYaml } from 'yaml';
import { beforeEach, describe, expect, it } from 'vitest';
import { answersFileName, type AnswersFile } from '../../packages/nx/src/answers.js';
import { azureApiVersions } from '../../packages/nx/src/versions.js';
import { bicepValidator } from '../../packages/validate/src/bicep.js';
import { validateFiles } from '../../packages/validate/src/index.js';
import generator from './generator.js';
import type { AzureSchema } from './schema.js';
import { treeFiles as snapshotTree } from '../../packages/nx/src/testing-support.js';
import { generateService } from '../spec-support.js';
import { azureFiles } from './azure-files.fixture.js';

const service = generateService;

const NETWORK_TYPES = [
  `Microsoft.Network/privateDnsZones/virtualNetworkLinks@${azureApiVersions.privateDnsZones}`,
  `Microsoft.Network/privateDnsZones@${azureApiVersions.privateDnsZones}`,
  // Private endpoints share the Microsoft.Network API version of virtual networks.
  `Microsoft.Network/privateEndpoints/privateDnsZoneGroups@${azureApiVersions.virtualNetworks}`,
  `Microsoft.Network/privateEndpoints@${azureApiVersions.virtualNetworks}`,
  `Microsoft.Network/virtualNetworks@${azureApiVersions.virtualNetworks}`,
];

describe('azure', () => {
  let tree: Tree;

  beforeEach(() => {
    tree = createTreeWithEmptyWorkspace();
  });

  it('writes main.bicep, modules, parameters per environment and azure.yaml that pass the Bicep validator', async () => {
    await service(tree, { database: 'postgres' });
    await generator(tree, { project: 'orders' });
    const files = azureFiles(tree, 'services/orders');
    expect([...files.keys()].sort()).toEqual([
      'azure.yaml',
      'infra/README.md',
      'infra/main.bicep',
      'infra/main.parameters.dev.json',
      'infra/main.parameters.json',
      'infra/main.parameters.prod.json',
      'infra/main.parameters.staging.json',
      'infra/modules/container-app.bicep',
      'infra/modules/container-apps-environment.bicep',
      'infra/modules/identity.bicep',
      'infra/modules/key-vault.bicep',
      'infra/modules/migration-job.bicep',
      'infra/modules/monitoring.bicep',
      'infra/modules/network.bicep',
      'infra/modules/postgres.bicep',
      'infra/modules/registry.bicep',
    ]);
    // Every validator registered for the azure layer: the Bicep checks and yamllint on azure.yaml.
    expect(await validateFiles('azure', files)).toEqual([]);
    // Microsoft.Network has no vendored schema: the validator says so instead of passing it silently.
    expect(bicepValidator.uncheckedResourceTypes(files)).toEqual(NETWORK_TYPES);
  });

  it('grants the identity AcrPull on the registry and Key Vault Secrets User on the vault', async () => {
    await service(tree);
    await generator(tree, { project: 'orders' });
    const files = azureFiles(tree, 'services/orders');
    const registry = files.get('infra/modules/registry.bicep')!;
    expect(registry).toContain("var acrPullRoleId = '7f951dda-4ed3-4680-a7ca-43fe172d538d'");
    expect(registry).toMatch(/scope: registry\n/);
    expect(registry).toContain('adminUserEnabled: false');
    const vault = files.get('infra/modules/key-vault.bicep')!;
    expect(vault).toContain("var keyVaultSecretsUserRoleId = '4633458b-17de-408a-b874-0445c86b69e6'");
    expect(vault).toContain('enableRbacAuthorization: true');
    expect(vault).toContain('enableSoftDelete: true');
    expect(vault).toContain('enablePurgeProtection: purgeProtection ? true : null');
    expect(files.get('infra/main.bicep')).toContain('purgeProtection: isProd');
  });

  it('keeps the Key Vault private: no public network access, a private endpoint in the virtual network, its DNS zone linked', async () => {
    await service(tree, { database: 'postgres' });
    await generator(tree, { project: 'orders' });
    const files = azureFiles(tree, 'services/orders');
    const vault = files.get('infra/modules/key-vault.bicep')!;
    expect(vault).toContain("publicNetworkAccess: 'Disabled'");
    expect(vault).toMatch(/networkAcls: \{\n\s+bypass: 'AzureServices'\n\s+defaultAction: 'Deny'/);
    expect(vault).toMatch(/privateLinkServiceId: vault\.id\n\s+groupIds: \[\n\s+'vault'/);
    expect(vault).toContain("name: 'privatelink.vaultcore.azure.net'");
    expect(vault).toContain('privateDnsZoneId: dnsZone.id');
    const network = files.get('infra/modules/network.bicep')!;
    expect(network).toContain("name: 'private-endpoints'");
    expect(network).toContain('output privateEndpointsSubnetId string = vnet.properties.subnets[2].id');
    expect(files.get('infra/main.bicep')).toMatch(
      /virtualNetworkId: network\.outputs\.id\n\s+privateEndpointSubnetId: network\.outputs\.privateEndpointsSubnetId/,
    );
    // Without PostgreSQL the private-endpoint subnet is the second one.
    await generator(tree, { project: 'orders', postgres: false });
    expect(azureFiles(tree, 'services/orders').get('infra/modules/network.bicep')).toContain('subnets[1].id');
  });

  it('runs the app with Key Vault secrets, identity pulls, probes, HTTP and CPU scaling, and multiple revisions', async () => {
    await service(tree, { database: 'postgres', port: 3400 });
    await generator(tree, { project: 'orders' });
    const app = azureFiles(tree, 'services/orders').get('infra/modules/container-app.bicep')!;
    expect(app).toContain("activeRevisionsMode: 'Multiple'");
    expect(app).toContain('var port = 3400');
    expect(app).toContain('targetPort: usePlaceholder ? 80 : port');
    expect(app).toMatch(/name: 'database-url'\n\s+keyVaultUrl: databaseUrlSecretUri\n\s+identity: identityId/);
    expect(app).toMatch(/server: registryServer\n\s+identity: identityId/);
    expect(app).toMatch(/type: 'Liveness'\n\s+httpGet: \{\n\s+path: '\/healthz'/);
    // /readyz and /metrics only on the ops port, which the ingress (targetPort: port) does not expose.
    expect(app).toMatch(/type: 'Readiness'\n\s+httpGet: \{\n\s+path: '\/readyz'\n\s+port: opsPort\n/);
    expect(app).toContain('var opsPort = 9464');
    expect(app).toMatch(/name: 'OPS_PORT'\n\s+value: '9464'/);
    expect(app).toContain("type: 'Startup'");
    expect(app).toMatch(/http: \{\n\s+metadata: \{\n\s+concurrentRequests/);
    expect(app).toContain("type: 'cpu'");
    expect(app).toContain("label: 'blue'");
    expect(app).toContain("label: 'green'");
    expect(app).toContain("'azd-service-name': azdServiceName");
    expect(app).not.toContain('value: databaseUrl');
  });

  it('gives the app its own database login: the admin URL reaches only the migration job, through its own identity', async () => {
    await service(tree, { database: 'postgres' });
    await generator(tree, { project: 'orders' });
    const files = azureFiles(tree, 'services/orders');
    const main = files.get('infra/main.bicep')!;
    expect(main).toMatch(/@secure\(\)\nparam postgresAppPassword string/);
    expect(main).toContain("param postgresAppLogin string = 'orders_app'");
    expect(main).toContain("module migrationIdentity 'modules/identity.bicep'");
    expect(main).toMatch(/module migration 'modules\/migration-job\.bicep' = \{\n\s+name: 'migration-job'\n\s+params: \{\n\s+name: 'orders-migrate'/);
    // No vault-wide grant: each identity reads its own secret only.
    expect(main).not.toContain('secretsUserPrincipalId');
    const postgres = files.get('infra/modules/postgres.bicep')!;
    expect(postgres).toMatch(
      /name: 'database-migration-url'\n\s+properties: \{\n\s+contentType: 'text\/plain'\n\s+value: 'postgresql:\/\/\$\{uriComponent\(administratorLogin\)\}/,
    );
    expect(postgres).toMatch(
      /name: 'database-url'\n\s+properties: \{\n\s+contentType: 'text\/plain'\n\s+value: 'postgresql:\/\/\$\{uriComponent\(appLogin\)\}:\$\{uriComponent\(appPassword\)\}/,
    );
    expect(postgres).toMatch(/scope: databaseUrl\n\s+properties: \{\n\s+roleDefinitionId: [^\n]+\n\s+principalId: appPrincipalId/);
    expect(postgres).toMatch(/scope: databaseMigrationUrl\n\s+properties: \{\n\s+roleDefinitionId: [^\n]+\n\s+principalId: migrationPrincipalId/);
    const app = files.get('infra/modules/container-app.bicep')!;
    expect(app).not.toMatch(/migration|admin/i);
    const job = files.get('infra/modules/migration-job.bicep')!;
    expect(job).toContain("resource job 'Microsoft.App/jobs@");
    expect(job).toContain("triggerType: 'Manual'");
    expect(job).toMatch(/args: \[\n\s+'node'\n\s+'dist\/migrate\.js'\n\s+\]/);
    expect(job).toMatch(/name: 'database-migration-url'\n\s+keyVaultUrl: databaseMigrationUrlSecretUri\n\s+identity: migrationIdentityId/);
    expect(job).toMatch(/name: 'DATABASE_MIGRATION_URL'\n\s+secretRef: 'database-migration-url'/);
    expect(readJson(tree, 'services/orders/infra/main.parameters.json').parameters.postgresAppPassword.value).toBe('${POSTGRES_APP_PASSWORD}');
    expect(files.get('infra/README.md')).toContain('| `database-migration-url` |');
    expect(await bicepValidator.validate(files)).toEqual([]);
  });

  it('provisions PostgreSQL privately, zone-redundant and geo-backed-up in prod, with pgvector on azure.extensions', async () => {
    await service(tree, { database: 'pglite' });
    await generator(tree, { project: 'orders' });
    const files = azureFiles(tree, 'services/orders');
    const postgres = files.get('infra/modules/postgres.bicep')!;
    expect(postgres).toContain("mode: isProd ? 'ZoneRedundant' : 'Disabled'");
    expect(postgres).toContain("geoRedundantBackup: isProd ? 'Enabled' : 'Disabled'");
    expect(postgres).toContain('backupRetentionDays: isProd ? 35 : 7');
    expect(postgres).toContain("publicNetworkAccess: 'Disabled'");
    expect(postgres).toMatch(/name: 'azure\.extensions'\n\s+properties: \{\n\s+value: 'VECTOR'/);
    expect(postgres).toMatch(/@secure\(\)\nparam administratorPassword string/);
    expect(files.get('infra/modules/network.bicep')).toContain("name: 'privatelink.postgres.database.azure.com'");
    expect(files.get('infra/modules/network.bicep')).toContain("serviceName: 'Microsoft.DBforPostgreSQL/flexibleServers'");
    expect(files.get('infra/main.bicep')).toMatch(/@secure\(\)\nparam postgresAdminPassword string/);
    for (const text of files.values()) expect(text).not.toContain('shared_preload_libraries');
    // Prod's parameters pick a tier that supports zone-redundant HA; no file carries the password.
    const prod = readJson(tree, 'services/orders/infra/main.parameters.prod.json');
    expect(prod.parameters.postgresSkuTier.value).toBe('GeneralPurpose');
    expect(prod.parameters.environmentName.value).toBe('prod');
    for (const env of ['dev', 'staging', 'prod']) {
      expect(readJson(tree, `services/orders/infra/main.parameters.${env}.json`).parameters.postgresAdminPassword).toBeUndefined();
    }
  });

  it('writes azure.yaml for azd: the project, TypeScript, Container Apps, and the workspace as Docker context', async () => {
    await service(tree);
    await generator(tree, { project: 'orders', location: 'westeurope', registrySku: 'Premium' });
    const azd = parseYaml(tree.read('services/orders/azure.yaml', 'utf-8')!);
    expect(azd).toMatchObject({
      name: 'orders',
      infra: { provider: 'bicep', path: 'infra', module: 'main' },
      services: { orders: { project: '.', language: 'ts', host: 'containerapp', docker: { path: 'Dockerfile', context: '../..' } } },
    });
    const dev = readJson(tree, 'services/orders/infra/main.parameters.dev.json');
    expect(dev.parameters.location.value).toBe('westeurope');
    expect(dev.parameters.registrySku.value).toBe('Premium');
    expect(readJson(tree, 'services/orders/infra/main.parameters.json').parameters.containerImage.value).toBe('${SERVICE_ORDERS_IMAGE_NAME=}');
  });

  it('without a database: no PostgreSQL, no DATABASE_URL, still valid', async () => {
    await service(tree, { database: 'none' });
    await generator(tree, { project: 'orders' });
    const files = azureFiles(tree, 'services/orders');
    expect(files.has('infra/modules/postgres.bicep')).toBe(false);
    expect(files.has('infra/modules/migration-job.bicep')).toBe(false);
    expect(files.get('infra/main.bicep')).not.toContain('postgres');
    expect(files.get('infra/main.bicep')).toContain('secretsUserPrincipalId: identity.outputs.principalId');
    expect(files.get('infra/modules/container-app.bicep')).not.toContain('DATABASE_URL');
    expect(await bicepValidator.validate(files)).toEqual([]);
    // The Key Vault's private endpoint and DNS zone remain without a database.
    expect(bicepValidator.uncheckedResourceTypes(files)).toEqual(NETWORK_TYPES);
  });

  it('--postgres=false leaves PostgreSQL out for a service that has a database', async () => {
    await service(tree, { database: 'postgres' });
    await generator(tree, { project: 'orders', postgres: false });
    expect(tree.exists('services/orders/infra/modules/postgres.bicep')).toBe(false);
    expect(readJson<AnswersFile>(tree, `services/orders/${answersFileName}`).records['@slipway/nx:azure']?.options).toMatchObject({ postgres: false });
  });

  it('adopts a plain Node project with build and start scripts', async () => {
    addProjectConfiguration(tree, 'legacy', { root: 'apps/legacy' });
    tree.write('apps/legacy/package.json', JSON.stringify({ name: 'legacy', scripts: { build: 'node build.js', start: 'node server.js' } }));
    await generator(tree, { project: 'legacy', port: 8080, database: 'postgres' });
    const files = azureFiles(tree, 'apps/legacy');
    expect(await bicepValidator.validate(files)).toEqual([]);
    expect(files.get('infra/modules/container-app.bicep')).toContain('var port = 8080');
    // No /readyz on an adopted project: readiness uses the health path.
    expect(files.get('infra/modules/container-app.bicep')).not.toContain('/readyz');
    expect(files.get('infra/modules/container-app.bicep')).not.toContain('OPS_PORT');
    expect(parseYaml(files.get('azure.yaml')!).services.legacy.language).toBe('js');
    expect(files.has('infra/modules/postgres.bicep')).toBe(true);
  });

  it('keeps an infra file that already exists and reports the conflict', async () => {
    await service(tree);
    tree.write('services/orders/infra/main.bicep', '// ours\n');
    const warnings: string[] = [];
    const original = logger.warn;
    logger.warn = (message: string) => void warnings.push(message);
    try {
      await generator(tree, { project: 'orders' });
    } finally {
      logger.warn = original;
    }
    expect(tree.read('services/orders/infra/main.bicep', 'utf-8')).toBe('// ours\n');
    expect(warnings.join('\n')).toMatch(/CONFLICT services\/orders\/infra\/main\.bicep: it already exists and Slipway did not write it/);
    expect(tree.exists('services/orders/infra/modules/container-app.bicep')).toBe(true);
  });

  it('changes nothing, byte for byte, when re-run', async () => {
    await service(tree, { database: 'postgres' });
    await generator(tree, { project: 'orders', location: 'eastus2' });
    const first = snapshotTree(tree);
    await generator(tree, { project: 'orders', location: 'eastus2' });
    expect(snapshotTree(tree)).toEqual(first);
  });

  it('re-renders the same files from its recorded options (what update does)', async () => {
    await service(tree, { database: 'postgres' });
    await generator(tree, { project: 'orders', location: 'eastus2' });
    const first = snapshotTree(tree);
    const recorded = readJson<AnswersFile>(tree, `services/orders/${answersFileName}`).records['@slipway/nx:azure']!.options;
    await generator(tree, recorded as never);
    expect(snapshotTree(tree)).toEqual(first);
  });

  describe('bad options fail, naming the option, and write nothing', () => {
    it.each<[Partial<AzureSchema>, RegExp]>([
      [{ project: 'nope' }, /--project: there is no project named "nope"/],
      [{ location: 'West Europe' }, /--location: must be an Azure region name/],
      [{ registrySku: 'Free' as never }, /--registrySku: must be one of Basic, Standard, Premium/],
      [{ postgres: 'maybe' as never }, /--postgres: must be true or false/],
      [{ port: 80 }, /--port: must be at least 1024/],
    ])('%j', async (extra, message) => {
      await service(tree);
      const before = snapshotTree(tree);
      const error = await generator(tree, { project: 'orders', ...extra }).then(
        () => undefined,
        (e: unknown) => e as Error,
      );
      expect(error?.message).toMatch(message);
      expect(error?.message).toContain('nothing was written');
      expect(snapshotTree(tree)).toEqual(before);
    });

    it('refuses a stdio-only service', async () => {
      await service(tree, { transport: 'stdio' });
      await expect(generator(tree, { project: 'orders' })).rejects.toThrow(/--project: orders serves MCP over stdio only/);
    });
  });
  it.each(['null', 'yes', 'on'])('an adopted project named %s stays a string in azure.yaml, and the Bicep is valid', async (name) => {
    addProjectConfiguration(tree, name, { root: `apps/${name}` });
    tree.write(`apps/${name}/package.json`, JSON.stringify({ name, scripts: { build: 'node build.js', start: 'node server.js' } }));
    await generator(tree, { project: name, database: 'postgres' });
    const files = azureFiles(tree, `apps/${name}`);
    for (const version of ['1.1', '1.2'] as const) {
      const azd = parseYaml(files.get('azure.yaml')!, { version });
      expect(azd.name, `YAML ${version}`).toBe(name);
      expect(Object.keys(azd.services)).toEqual([name]);
      expect(azd.resourceGroup).toBe(`rg-${name}-\${AZURE_ENV_NAME}`);
    }
    expect(files.get('infra/main.bicep')).toContain(`azdServiceName: '${name}'`);
    expect(await validateFiles('azure', files)).toEqual([]);
  });

  it('renders one parameters file per environment from one template: only the sizes and the name differ', async () => {
    await service(tree, { database: 'postgres' });
    await generator(tree, { project: 'orders', location: 'westeurope' });
    const params = (env: string) => readJson(tree, `services/orders/infra/main.parameters.${env}.json`).parameters;
    expect(['dev', 'staging', 'prod'].map((env) => params(env).environmentName.value)).toEqual(['dev', 'staging', 'prod']);
    expect(Object.keys(params('dev'))).toEqual(Object.keys(params('prod')));
    expect(params('staging').location.value).toBe('westeurope');
  });
});
