import { addProjectConfiguration, readJson, type Tree } from '@nx/devkit';
import { createTreeWithEmptyWorkspace } from '@nx/devkit/testing';
import { beforeEach, describe, expect, it } from 'vitest';
import { validateFiles } from '../../packages/validate/src/index.js';
import { generateService } from '../spec-support.js';
import generator from './generator.js';
import { azureFiles } from './azure-files.fixture.js';

describe('azure: REQUEST_STATE_KEYS from Key Vault for every replica', () => {
  let tree: Tree;
  beforeEach(() => {
    tree = createTreeWithEmptyWorkspace();
  });

  it.each(['postgres', 'none'] as const)(
    'a @secure() parameter, one Key Vault secret the app identity may read, the app env from it (database %s)',
    async (database) => {
      await generateService(tree, { database });
      await generator(tree, { project: 'orders' });
      const files = azureFiles(tree, 'services/orders');
      expect(await validateFiles('azure', files)).toEqual([]);

      const main = files.get('infra/main.bicep')!;
      expect(main).toMatch(/@secure\(\)\nparam requestStateKeys string\n/);
      expect(main).toMatch(
        /module keyVault 'modules\/key-vault\.bicep' = \{\n\s+name: 'key-vault'\n[\s\S]*?requestStateKeys: requestStateKeys\n\s+requestStateReaderPrincipalId: identity\.outputs\.principalId\n/,
      );
      expect(main).toContain('requestStateKeysSecretUri: keyVault.outputs.requestStateKeysSecretUri');
      // azd passes it from its environment; the per-environment files (az CLI) never hold it.
      expect(readJson(tree, 'services/orders/infra/main.parameters.json').parameters.requestStateKeys).toEqual({ value: '${REQUEST_STATE_KEYS}' });
      for (const env of ['dev', 'staging', 'prod']) expect(files.get(`infra/main.parameters.${env}.json`)).not.toContain('requestStateKeys');

      const vault = files.get('infra/modules/key-vault.bicep')!;
      expect(vault).toMatch(/@secure\(\)\n@description\([^\n]*\)\nparam requestStateKeys string/);
      expect(vault).toMatch(/name: 'request-state-keys'\n\s+properties: \{\n\s+contentType: 'text\/plain'\n\s+value: requestStateKeys\n/);
      expect(vault).toMatch(/scope: requestStateSecret\n\s+properties: \{\n\s+roleDefinitionId: [^\n]+\n\s+principalId: requestStateReaderPrincipalId/);

      const app = files.get('infra/modules/container-app.bicep')!;
      expect(app).toMatch(/name: 'request-state-keys'\n\s+keyVaultUrl: requestStateKeysSecretUri\n\s+identity: identityId/);
      expect(app).toMatch(/name: 'REQUEST_STATE_KEYS'\n\s+secretRef: 'request-state-keys'/);

      const readme = files.get('infra/README.md')!;
      expect(readme).toContain('azd env set REQUEST_STATE_KEYS "$(openssl rand -base64 48)"');
      expect(readme).toContain('-p requestStateKeys="$REQUEST_STATE_KEYS"');
      expect(readme).toMatch(/1\. `<old>,<new>`[^\n]*\n2\. `<new>,<old>`[^\n]*\n3\. After 10 minutes[^\n]*`<new>`/);
    },
  );

  it('leaves an adopted project (not on the Slipway runtime) without it', async () => {
    addProjectConfiguration(tree, 'legacy', { root: 'apps/legacy' });
    tree.write('apps/legacy/package.json', JSON.stringify({ name: 'legacy', scripts: { build: 'node build.js', start: 'node server.js' } }));
    await generator(tree, { project: 'legacy', port: 8080, database: 'none' });
    const files = azureFiles(tree, 'apps/legacy');
    expect(await validateFiles('azure', files)).toEqual([]);
    expect([...files.values()].join('\n')).not.toMatch(/requestState|REQUEST_STATE_KEYS/);
  });
});
