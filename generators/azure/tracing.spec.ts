import type { Tree } from '@nx/devkit';
import { createTreeWithEmptyWorkspace } from '@nx/devkit/testing';
import { beforeEach, describe, expect, it } from 'vitest';
import { validateFiles } from '../../packages/validate/src/index.js';
import { generateService } from '../spec-support.js';
import generator from './generator.js';
import { azureFiles } from './azure-files.fixture.js';

const ROOT = 'services/orders';

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
      const files = azureFiles(tree, ROOT);
      expect(await validateFiles('azure', files)).toEqual([]);
      const app = files.get('infra/modules/container-app.bicep')!;
      expect(app).toMatch(/@secure\(\)\n@description\([^)]*\)\nparam appInsightsConnectionString string/);
      expect(app).toMatch(/name: 'appinsights-connection-string'\n\s+value: appInsightsConnectionString/);
      expect(app).toMatch(/name: 'APPLICATIONINSIGHTS_CONNECTION_STRING'\n\s+secretRef: 'appinsights-connection-string'/);
      expect(files.get('infra/main.bicep')).toContain('appInsightsConnectionString: monitoring.outputs.applicationInsightsConnectionString');
      const readme = files.get('infra/README.md')!;
      expect(readme).toContain('## Tracing');
      expect(readme).toContain('secret `appinsights-connection-string`, in `APPLICATIONINSIGHTS_CONNECTION_STRING`');
      expect(readme).toMatch(/never\s+tool arguments or SQL text/);
      expect(readme).toContain('`OTEL_TRACES_SAMPLER_ARG` (0 to 1, default 1)');
      // The exporter ships with @slipway/mcp-runtime: editing package.json here made new-mcp-service's drift check fail.
      expect(tree.read(`${ROOT}/package.json`, 'utf8')).toBe(packageJsonBefore);
    },
  );
});
