import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { bicepValidator, checkBicep, looksLikeCredential } from './bicep.js';

const fixtures = join(dirname(fileURLToPath(import.meta.url)), '__fixtures__/bicep');

function listFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((entry) => {
    const full = join(dir, entry);
    return statSync(full).isDirectory() ? listFiles(full) : [full];
  });
}

function fixture(name: string): Map<string, string> {
  const root = join(fixtures, name);
  return new Map(listFiles(root).map((file) => [relative(root, file).split(sep).join('/'), readFileSync(file, 'utf8')]));
}

async function messages(name: string): Promise<string[]> {
  return (await bicepValidator.validate(fixture(name))).map((p) => `${p.file}: ${p.message}`);
}

describe('bicep validator', () => {
  it('reports a syntax error (tree-sitter-bicep ERROR or MISSING node)', async () => {
    const found = await messages('syntax-error');
    expect(found.length).toBeGreaterThan(0);
    expect(found.every((m) => /^main\.bicep: line \d+: syntax error/.test(m))).toBe(true);
  });

  it('reports references to undeclared symbols', async () => {
    expect(await messages('undeclared-symbol')).toEqual([
      'main.bicep: line 5: "locaton" is not declared (no param, var, resource, module or loop variable has that name)',
      'main.bicep: line 9: "identty" is not declared (no param, var, resource, module or loop variable has that name)',
    ]);
  });

  it('reports a type@apiVersion without an ARM schema, naming the versions that have one', async () => {
    expect(await messages('unknown-api-version')).toEqual([
      "main.bicep: line 3: no ARM schema for 'Microsoft.ContainerRegistry/registries@2023-01-01-preview' in the vendored ARM schemas; API versions with a schema: 2025-11-01",
    ]);
  });

  it("reports a typo'd property against the strict ARM schema", async () => {
    expect(await messages('typo-property')).toEqual(['main.bicep: line 4: Microsoft.App/containerApps@2026-01-01: /properties: unknown field "configuraton"']);
  });

  it('flags shared_preload_libraries for pgvector', async () => {
    const found = await messages('shared-preload-libraries');
    expect(found).toHaveLength(1);
    expect(found[0]).toMatch(/^main\.bicep: line 8: shared_preload_libraries does not enable pgvector .* 'azure\.extensions' \(value 'VECTOR'\)/);
  });

  it("rejects a serving container or an app's secret built from the database admin's credential", async () => {
    expect(await messages('serving-admin-credential')).toEqual([
      "main.bicep: line 13: Key Vault secret 'database-url' is built from the database owner's credential (administratorLogin, administratorPassword); the app must connect as its own login: keep the owner's URL in a secret of its own (e.g. 'database-migration-url') for the migration step only",
      "main.bicep: line 40: the Container App's serving container gets the database owner's credential in DATABASE_URL (secret 'database-url'); give it the serving login's DATABASE_URL and run the migration with the owner's secret in a Container Apps Job or init container",
    ]);
  });

  it('refuses a Key Vault reachable from every network', async () => {
    expect(await messages('public-key-vault')).toEqual([
      "main.bicep: line 4: Key Vault is reachable from every network (publicNetworkAccess is not 'Disabled' and networkAcls.defaultAction is not 'Deny'); make it private (publicNetworkAccess: 'Disabled' with a private endpoint) or firewall it (networkAcls: { defaultAction: 'Deny', bypass: 'AzureServices' })",
    ]);
  });

  it('refuses an ingress on the ops port, and readiness probed off it', async () => {
    expect(await messages('ops-port-ingress')).toEqual([
      'main.bicep: line 9: ingress targetPort 9464 is the ops port (OPS_PORT): /metrics and /readyz would be public; target the service port',
      'main.bicep: line 9: the readiness probe is on port 3000, but with OPS_PORT=9464 /readyz is served only on 9464',
    ]);
  });

  it('requires @secure() on credential parameters, and only on those', async () => {
    expect(await messages('insecure-password')).toEqual([
      'main.bicep: line 3: param "administratorLoginPassword" looks like a credential; mark it @secure() so it stays out of logs and deployment history',
    ]);
    expect(['postgresAdminPassword', 'apiKey', 'clientSecret', 'githubToken', 'storageConnectionString'].every(looksLikeCredential)).toBe(true);
    expect(['keyVaultName', 'tokenLifetime', 'secretName', 'passwordAuth'].some(looksLikeCredential)).toBe(false);
  });

  it('checks parameters files against the template they belong to', async () => {
    expect(await messages('parameters-file')).toEqual([
      'main.parameters.dev.json: parameter "postgresAdminPassword" is @secure(): give it a Key Vault "reference" or pass it at deployment, never a literal value',
      'main.parameters.dev.json: parameter "locaton" is not declared in main.bicep',
    ]);
  });

  it('checks module params against the module file', async () => {
    expect(await messages('module-params')).toEqual([
      `main.bicep: line 1: module 'modules/identity.bicep' has no param "nam"`,
      `main.bicep: line 1: module 'modules/identity.bicep' needs param "name", which is not passed`,
    ]);
  });

  it('checks the shape of azure.yaml', async () => {
    expect(await messages('azure-yaml')).toEqual([
      'azure.yaml: services.demo.language must be one of dotnet, csharp, fsharp, py, python, js, ts, java, docker',
      'azure.yaml: services.demo.host must be one of appservice, containerapp, function, staticwebapp, aks, springapp, ai.endpoint',
    ]);
  });

  it('says which resource types it could not check', () => {
    const files = new Map([['main.bicep', "resource vnet 'Microsoft.Network/virtualNetworks@2024-05-01' = {\n  name: 'vnet'\n  location: 'westeurope'\n}\n"]]);
    expect(checkBicep(files)).toEqual({ problems: [], unchecked: ['Microsoft.Network/virtualNetworks@2024-05-01'] });
    expect(bicepValidator.uncheckedResourceTypes(files)).toEqual(['Microsoft.Network/virtualNetworks@2024-05-01']);
  });

  it('checks both branches of a ternary and inlines vars', () => {
    const files = new Map([
      [
        'main.bicep',
        [
          'param isProd bool',
          "var backup = { backupRetentionDays: 7, geoRedundantBackupp: 'Disabled' }",
          "resource server 'Microsoft.DBforPostgreSQL/flexibleServers@2025-08-01' = {",
          "  name: 'psql'",
          "  location: 'westeurope'",
          '  properties: {',
          "    highAvailability: { mode: isProd ? 'ZoneRedundant' : 'Off' }",
          '    backup: backup',
          '  }',
          '}',
        ].join('\n'),
      ],
    ]);
    expect(checkBicep(files).problems.map((p) => p.message)).toEqual([
      'line 3: Microsoft.DBforPostgreSQL/flexibleServers@2025-08-01: /properties/backup: unknown field "geoRedundantBackupp"',
      'line 3: Microsoft.DBforPostgreSQL/flexibleServers@2025-08-01: /properties/highAvailability/mode: must be one of "Disabled", "ZoneRedundant", "SameZone"',
    ]);
  });
});
