import type { Tree } from '@nx/devkit';
import { createTreeWithEmptyWorkspace } from '@nx/devkit/testing';
import { beforeEach, describe, expect, it } from 'vitest';
import { validateFiles } from '../../packages/validate/src/index.js';
import { treeFiles } from '../../packages/nx/src/testing-support.js';
import { generateService } from '../spec-support.js';
import generator from './generator.js';

const ROOT = 'services/orders';

function azureFiles(tree: Tree): Map<string, string> {
  return new Map(
    [...treeFiles(tree)].filter(([p]) => p.startsWith(`${ROOT}/infra/`) || p === `${ROOT}/azure.yaml`).map(([p, t]) => [p.slice(ROOT.length + 1), t]),
  );
}

describe('azure: traces to Application Insights', () => {
  let tree: Tree;
  beforeEach(() => {
    tree = createTreeWithEmptyWorkspace();
  });

  it.each(['postgres', 'none'] as const)(
    'passes the connection string as a secret and leaves the service package.json to new-mcp-service (database %s)',
    async (database) => {
      await generateService(tree, { database });
      const packageJsonBefore = tree.read(`${ROOT}/package.json`, 'utf8');
      await generator(tree, { project: 'orders' });
      const files = azureFiles(tree);
      expect(await validateFiles('azure', files)).toEqual([]);
      const app = files.get('infra/modules/container-app.bicep')!;
      expect(app).toMatch(/@secure\(\)\n@description\([^)]*\)\nparam appInsightsConnectionString string/);
      expect(app).toMatch(/name: 'appinsights-connection-string'\n\s+value: appInsightsConnectionString/);
      expect(app).toMatch(/name: 'APPLICATIONINSIGHTS_CONNECTION_STRING'\n\s+secretRef: 'appinsights-connection-string'/);
      expect(files.get('infra/main.bicep')).toContain('appInsightsConnectionString: monitoring.outputs.applicationInsightsConnectionString');
      // The exporter ships with @slipway/mcp-runtime: editing package.json here made new-mcp-service's drift check fail.
      expect(tree.read(`${ROOT}/package.json`, 'utf8')).toBe(packageJsonBefore);
    },
  );
});
