import { defineTool } from '@slipway/mcp-runtime';
import { z } from 'zod';

const WORDS_PER_MINUTE = 230;

/** A pure tool with input and output schemas: clients get typed, structured results. */
export const textStatsTool = defineTool({
  name: 'text_stats',
  title: 'Text statistics',
  description: 'Counts the characters, words, lines and sentences of a text and estimates its reading time.',
  inputSchema: z.object({
    text: z.string().max(100_000).describe('The text to measure'),
  }),
  outputSchema: z.object({
    characters: z.number().int(),
    words: z.number().int(),
    lines: z.number().int(),
    sentences: z.number().int(),
    readingTimeSeconds: z.number().int(),
  }),
  annotations: { readOnlyHint: true, idempotentHint: true, openWorldHint: false },
  handler: ({ text }) => {
    const words = text.split(/\s+/).filter(Boolean).length;
    return {
      characters: [...text].length,
      words,
      lines: text === '' ? 0 : text.split(/\r?\n/).length,
      sentences: (text.match(/[^.!?]+[.!?]+/g) ?? []).length,
      readingTimeSeconds: Math.ceil((words / WORDS_PER_MINUTE) * 60),
    };
  },
});
