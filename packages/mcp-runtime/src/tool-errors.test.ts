import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { memoryLogger } from './__fixtures__/http-client.js';
import { DatabaseUnavailableError } from './database/faults.js';
import { DATABASE_UNAVAILABLE_MESSAGE } from './server-factory.js';
import { connectInMemory } from './testing/index.js';
import { defineTool, ToolError } from './tools.js';

const pgError = (code: string, message: string) =>
  Object.assign(new Error(message), { code, severity: 'FATAL', query: 'SELECT secret FROM t WHERE id = $1', params: ['arg-value-42'] });

const throwing = (name: string, error: () => unknown) =>
  defineTool({
    name,
    description: name,
    inputSchema: z.object({ id: z.string() }),
    handler: () => {
      throw error();
    },
  });

describe('tool handler errors reach the client classified', () => {
  it('database unavailable classes become one retryable message, the detail (without arguments) goes to the log', async () => {
    const { logger, lines } = memoryLogger();
    const tools = [
      throwing('admin_shutdown', () => pgError('57P01', 'terminating connection due to administrator command')),
      throwing('conn_lost', () => Object.assign(new Error('connect ECONNREFUSED 10.20.30.40:5432'), { code: 'ECONNREFUSED' })),
      throwing('read_timeout', () => new Error('Query read timeout')),
      throwing('class_08', () => pgError('08006', 'connection failure at 10.20.30.40')),
      throwing('too_many', () => pgError('53300', 'sorry, too many clients already')),
      throwing('guarded', () => new DatabaseUnavailableError('the embedded database stopped after a storage error')),
    ];
    const client = await connectInMemory({ name: 't', version: '0' }, { tools }, { logger });
    try {
      for (const tool of tools) {
        const result = await client.callTool({ name: tool.name, arguments: { id: 'arg-value-42' } });
        expect(result, tool.name).toEqual({ content: [{ type: 'text', text: DATABASE_UNAVAILABLE_MESSAGE }], isError: true });
      }
    } finally {
      await client.close();
    }
    const logged = lines.filter((l) => l['msg'] === 'tool call failed: database unavailable');
    expect(logged).toHaveLength(tools.length);
    const text = JSON.stringify(logged);
    expect(text).toContain('10.20.30.40:5432');
    expect(text).toContain('57P01');
    expect(text).not.toContain('arg-value-42');
    expect(text).not.toContain('SELECT secret');
  });

  it('other errors stay "Internal error" (logged without the statement), ToolError keeps its message', async () => {
    const { logger, lines } = memoryLogger();
    const tools = [
      throwing('unique', () => pgError('23505', 'duplicate key value violates unique constraint')),
      throwing('refused', () => new ToolError('no such order')),
    ];
    const client = await connectInMemory({ name: 't', version: '0' }, { tools }, { logger });
    try {
      expect(await client.callTool({ name: 'unique', arguments: { id: 'arg-value-42' } })).toEqual({
        content: [{ type: 'text', text: 'Internal error' }],
        isError: true,
      });
      expect(await client.callTool({ name: 'refused', arguments: { id: 'x' } })).toEqual({ content: [{ type: 'text', text: 'no such order' }], isError: true });
    } finally {
      await client.close();
    }
    const text = JSON.stringify(lines.filter((l) => l['msg'] === 'tool handler threw'));
    expect(text).toContain('23505');
    expect(text).not.toContain('arg-value-42');
  });
});
