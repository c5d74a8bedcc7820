import { describe, expect, it } from 'vitest';
import { capabilities, info } from '../__fixtures__/sample.js';
import { connectInMemory } from './index.js';

describe('connectInMemory', () => {
  it('gives a connected client over the in-memory transport', async () => {
    const client = await connectInMemory(info, capabilities);
    try {
      expect(client.getServerVersion()?.name).toBe('sample-service');
      const result = await client.callTool({ name: 'add', arguments: { a: 1, b: 41 } });
      expect(result.structuredContent).toEqual({ sum: 42 });
      const failed = await client.callTool({ name: 'fail', arguments: { reason: 'test' } });
      expect(failed).toMatchObject({ isError: true, content: [{ type: 'text', text: 'refused: test' }] });
      const prompt = await client.getPrompt({ name: 'greet', arguments: { name: 'Lin' } });
      expect(prompt.messages[0]?.content).toEqual({ type: 'text', text: 'Say hello to Lin.' });
    } finally {
      await client.close();
    }
  });

  it('closes cleanly: calls after close fail', async () => {
    const client = await connectInMemory(info, capabilities);
    await client.close();
    await expect(client.callTool({ name: 'add', arguments: { a: 1, b: 1 } })).rejects.toThrow(/not connected|closed/i);
  });
});
