import { Client, StreamableHTTPClientTransport } from '@modelcontextprotocol/client';
import { expect } from 'vitest';

/**
 * The checks a user would make of a freshly generated service, through a real MCP client over
 * Streamable HTTP: initialize, list, and call every example capability.
 */
export async function checkExampleCapabilities(baseUrl: string): Promise<void> {
  const client = new Client({ name: 'slipway-e2e', version: '1.0.0' });
  await client.connect(new StreamableHTTPClientTransport(new URL(`${baseUrl}/mcp`)));
  try {
    const { tools } = await client.listTools();
    expect(tools.map((t) => t.name).sort()).toEqual(['add_note', 'search_notes', 'text_stats']);
    for (const tool of tools) expect(tool.outputSchema, `${tool.name} has an output schema`).toBeDefined();

    const stats = await client.callTool({ name: 'text_stats', arguments: { text: 'Ship it. Then measure it!' } });
    expect(stats.structuredContent).toEqual({ characters: 25, words: 5, lines: 1, sentences: 2, readingTimeSeconds: 2 });

    const title = `Pricing review ${Date.now()}`;
    const added = await client.callTool({
      name: 'add_note',
      arguments: { title, body: 'Compare the competitor pricing for espresso machines before Friday.' },
    });
    expect(added.isError).toBeFalsy();
    const note = added.structuredContent as { id: number; title: string; createdAt: string };
    expect(note.title).toBe(title);
    expect(Number.isNaN(Date.parse(note.createdAt))).toBe(false);

    const found = await client.callTool({ name: 'search_notes', arguments: { query: 'espresso pricing', limit: 5 } });
    const { notes } = found.structuredContent as { notes: Array<{ id: number; snippet: string; rank: number }> };
    expect(notes.map((n) => n.id)).toContain(note.id);
    expect(notes.find((n) => n.id === note.id)?.snippet).toMatch(/espresso/i);

    const invalid = await client.callTool({ name: 'add_note', arguments: { title: '' } });
    expect(invalid.isError).toBe(true);

    const read = await client.readResource({ uri: 'service://orders/info' });
    const first = read.contents[0];
    expect(first && 'text' in first ? JSON.parse(first.text) : undefined).toMatchObject({ name: 'orders', database: 'pglite' });

    const prompt = await client.getPrompt({ name: 'summarize', arguments: { text: 'The quarter closed well.' } });
    expect(JSON.stringify(prompt.messages)).toContain('The quarter closed well.');
  } finally {
    await client.close();
  }
}
