import { Client } from '@modelcontextprotocol/client';
import { StdioClientTransport } from '@modelcontextprotocol/client/stdio';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const REPO_ROOT = fileURLToPath(new URL('../../../', import.meta.url));
const CHILD = fileURLToPath(new URL('./__fixtures__/stdio-child.ts', import.meta.url));

describe('runStdio', () => {
  let client: Client;
  let transport: StdioClientTransport;
  const stdoutLines: string[] = [];
  let stderr = '';

  beforeAll(async () => {
    transport = new StdioClientTransport({
      command: process.execPath,
      args: ['--import', 'tsx', CHILD],
      cwd: REPO_ROOT,
      env: { ...(process.env as Record<string, string>), LOG_LEVEL: 'debug' },
      stderr: 'pipe',
    });
    transport.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    client = new Client({ name: 'stdio-test', version: '1.0.0' });
    // Every line the server writes to stdout reaches the client as a message; record them all.
    await client.connect(transport);
    const onmessage = transport.onmessage;
    transport.onmessage = (message) => {
      stdoutLines.push(JSON.stringify(message));
      onmessage?.(message);
    };
  });
  afterAll(() => client.close());

  it('lists and calls tools over stdio', async () => {
    const { tools } = await client.listTools();
    expect(tools.map((t) => t.name)).toContain('add');
    const result = await client.callTool({ name: 'add', arguments: { a: 4, b: 5 } });
    expect(result.structuredContent).toEqual({ sum: 9 });
    const failed = await client.callTool({ name: 'crash', arguments: {} });
    expect(failed.isError).toBe(true);
  });

  it('keeps stdout for the protocol: logs go to stderr', async () => {
    expect(stdoutLines.length).toBeGreaterThan(0);
    for (const line of stdoutLines) expect(JSON.parse(line)).toMatchObject({ jsonrpc: '2.0' });
    // The crash above was logged with its stack, on stderr.
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(stderr).toContain('serving MCP over stdio');
    expect(stderr).toContain('secret internal detail');
  });
});
