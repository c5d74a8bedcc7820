import { definePrompt } from '@slipway/mcp-runtime';
import { z } from 'zod';

/** A prompt template that clients can offer their users. */
export const summarizePrompt = definePrompt({
  name: 'summarize',
  title: 'Summarize a text',
  description: 'Asks the model for a short, faithful summary of a text.',
  argsSchema: z.object({
    text: z.string().describe('The text to summarize'),
    sentences: z.string().regex(/^\d+$/).optional().describe('How many sentences (default 3)'),
  }),
  render: ({ text, sentences }) =>
    `Summarize the following text in at most ${sentences ?? '3'} sentences. Keep names and figures exact.\n\n${text}`,
});
