import { createTreeWithEmptyWorkspace } from '@nx/devkit/testing';
import { describe, expect, it } from 'vitest';
import { githubActions } from '../versions.js';
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
        .replace('actions/upload-artifact@v3', 'actions/upload-artifact@v4')
        .replace('github/codeql-action/upload-sarif@v2', 'github/codeql-action/upload-sarif@v4')
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
});
