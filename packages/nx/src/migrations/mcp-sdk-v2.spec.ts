import { readJson } from '@nx/devkit';
import { createTreeWithEmptyWorkspace } from '@nx/devkit/testing';
import { describe, expect, it } from 'vitest';
import { versions } from '../versions.js';
import migrate from './mcp-sdk-v2.js';

const SERVER = `import { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { StdioServerTransport } from '@modelcontextprotocol/sdk/server/stdio.js';
import { WebSocketClientTransport } from '@modelcontextprotocol/sdk/client/websocket.js';
import { z } from 'zod';

// The team's own domain logic stays as it is.
export const TAX_RATE = 0.21;
const server = new McpServer({ name: 'legacy', version: '1.0.0' });
server.tool('add', { a: z.number(), b: z.number() }, async ({ a, b }) => ({
  content: [{ type: 'text', text: String(a + b) }],
}));
export const ws = WebSocketClientTransport;
await server.connect(new StdioServerTransport());
`;

describe('migration: MCP SDK v1 → v2', () => {
  it('converts the sources with the SDK codemod, pins v2, and reports what needs a person', async () => {
    const tree = createTreeWithEmptyWorkspace();
    tree.write('apps/legacy/project.json', JSON.stringify({ name: 'legacy', root: 'apps/legacy' }));
    tree.write(
      'apps/legacy/package.json',
      JSON.stringify({ name: 'legacy', type: 'module', dependencies: { '@modelcontextprotocol/sdk': '^1.17.0', zod: '^3.25.0' } }),
    );
    tree.write('apps/legacy/src/server.ts', SERVER);
    tree.write('apps/other/project.json', JSON.stringify({ name: 'other', root: 'apps/other' }));
    tree.write('apps/other/package.json', JSON.stringify({ name: 'other', dependencies: { express: '^4.0.0' } }));
    tree.write('apps/other/src/index.ts', "import '@modelcontextprotocol/sdk/server/mcp.js';\n");

    const notes = await migrate(tree);
    const source = tree.read('apps/legacy/src/server.ts', 'utf-8')!;
    expect(source).toContain('from "@modelcontextprotocol/server"');
    expect(source).toContain("registerTool('add'");
    expect(source).not.toContain("from '@modelcontextprotocol/sdk/server");
    expect(source).toContain('export const TAX_RATE = 0.21;');
    const pkg = readJson(tree, 'apps/legacy/package.json');
    expect(pkg.dependencies['@modelcontextprotocol/sdk']).toBeUndefined();
    expect(pkg.dependencies['@modelcontextprotocol/server']).toBe(versions['@modelcontextprotocol/server']);
    expect(pkg.dependencies.zod).toBe(versions.zod);
    // What the codemod could not convert is reported with its place.
    expect(notes.join('\n')).toMatch(/apps\/legacy\/src\/server\.ts:\d+: warning: WebSocketClientTransport removed in v2/);
    // A project that does not depend on the v1 SDK is not this migration's to touch.
    expect(tree.read('apps/other/src/index.ts', 'utf-8')).toBe("import '@modelcontextprotocol/sdk/server/mcp.js';\n");

    const after = tree.read('apps/legacy/src/server.ts', 'utf-8');
    expect(await migrate(tree)).toEqual([]);
    expect(tree.read('apps/legacy/src/server.ts', 'utf-8')).toBe(after);
  });
});
