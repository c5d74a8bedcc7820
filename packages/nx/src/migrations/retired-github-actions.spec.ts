import { createTreeWithEmptyWorkspace } from '@nx/devkit/testing';
import { describe, expect, it } from 'vitest';
import { githubActions, githubActionUpgrades } from '../versions.js';
import migrate from './retired-github-actions.js';

const WORKFLOW = `name: deploy   # the team's own workflow
on: [push]

jobs:
  build:
    runs-on: ubuntu-latest
    steps:
      - uses: actions/checkout@v3
      # our own step, keep it
      - run: make build
      - uses: actions/upload-artifact@v3
        with:
          name: dist
          path: dist/
      - uses: github/codeql-action/upload-sarif@v2
        with: { sarif_file: results.sarif }
      - uses: some-org/custom-action@v1
  deploy:
    needs: build
    runs-on: ubuntu-latest
    steps:
      - uses: azure/login@v1
        with:
          creds: \${{ secrets.AZURE_CREDENTIALS }}
      - run: az containerapp update --name app
`;

describe('migration: retired GitHub Actions', () => {
  it('bumps retired majors and moves azure/login to OIDC, leaving every other line alone', () => {
    const tree = createTreeWithEmptyWorkspace();
    tree.write('.github/workflows/deploy.yml', WORKFLOW);
    const notes = migrate(tree);
    const out = tree.read('.github/workflows/deploy.yml', 'utf-8')!;
    expect(out).toBe(
      WORKFLOW.replace('actions/checkout@v3', githubActions.checkout)
        .replace('actions/upload-artifact@v3', githubActionUpgrades.uploadArtifact)
        .replace('github/codeql-action/upload-sarif@v2', githubActionUpgrades.codeqlAction.replace('$SUB', 'upload-sarif'))
        .replace('azure/login@v1', githubActions.azureLogin)
        .replace(
          '          creds: ${{ secrets.AZURE_CREDENTIALS }}\n',
          '          client-id: ${{ secrets.AZURE_CLIENT_ID }}\n          tenant-id: ${{ secrets.AZURE_TENANT_ID }}\n          subscription-id: ${{ secrets.AZURE_SUBSCRIPTION_ID }}\n',
        )
        .replace('    needs: build\n    runs-on', '    needs: build\n    permissions:\n      contents: read\n      id-token: write\n    runs-on'),
    );
    expect(notes.join('\n')).toMatch(/federated credential/);
    expect(migrate(tree)).toEqual([]);
    expect(tree.read('.github/workflows/deploy.yml', 'utf-8')).toBe(out);
  });

  it('pins the replacement by SHA, and leaves the version comment out where it would end a flow map early', () => {
    const tree = createTreeWithEmptyWorkspace();
    tree.write(
      '.github/workflows/cache.yml',
      'on: [push]\njobs:\n  a:\n    runs-on: ubuntu-latest\n    steps:\n      - { uses: actions/cache@v3, with: { path: x, key: y } }\n',
    );
    migrate(tree);
    const [ref] = githubActionUpgrades.cache.split(' #');
    expect(ref).toMatch(/^actions\/cache@[0-9a-f]{40}$/);
    expect(tree.read('.github/workflows/cache.yml', 'utf-8')).toContain(`- { uses: ${ref}, with: { path: x, key: y } }\n`);
  });
});
