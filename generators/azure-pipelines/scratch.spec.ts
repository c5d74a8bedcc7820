import { createTreeWithEmptyWorkspace } from '@nx/devkit/testing';
import { writeFileSync, mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { it } from 'vitest';
import newMcpServiceGenerator from '../new-mcp-service/generator.js';
import generator from './generator.js';
import { validateFiles } from '../../tools/validators/index.js';

it('scratch', async () => {
  const tree = createTreeWithEmptyWorkspace();
  await newMcpServiceGenerator(tree, { name: 'orders', skipInstall: true });
  await generator(tree, { project: 'orders' });
  const files = new Map<string, string>();
  for (const c of tree.listChanges()) {
    if (c.type === 'DELETE' || !c.content) continue;
    if (c.path.includes('azure-pipelines') || c.path.includes('scripts/')) {
      files.set(c.path, c.content.toString());
      const out = join('/work/main/tmp/gha-scratch', c.path);
      mkdirSync(dirname(out), { recursive: true });
      writeFileSync(out, c.content);
    }
  }
  console.log([...files.keys()]);
  console.log(JSON.stringify(await validateFiles('azure-pipelines', files), null, 1));
});
