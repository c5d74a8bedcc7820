import { completable, definePrompt, inputRequired } from '@slipway/mcp-runtime';
import { z } from 'zod';
import { PNG_BASE64 } from './media.js';

export const conformancePrompts = [
  definePrompt({
    name: 'test_simple_prompt',
    title: 'Simple Test Prompt',
    description: 'A simple prompt without arguments',
    render: () => 'This is a simple prompt for testing.',
  }),
  definePrompt({
    name: 'test_prompt_with_arguments',
    title: 'Prompt With Arguments',
    description: 'A prompt with required arguments',
    argsSchema: z.object({
      // completion/complete suggests values for this argument.
      arg1: completable(z.string().describe('First test argument'), (value) => ['paris', 'park', 'parrot'].filter((v) => v.startsWith(value))),
      arg2: z.string().describe('Second test argument'),
    }),
    render: ({ arg1, arg2 }) => `Prompt with arguments: arg1='${arg1}', arg2='${arg2}'`,
  }),
  definePrompt({
    name: 'test_prompt_with_embedded_resource',
    title: 'Prompt With Embedded Resource',
    description: 'A prompt that includes an embedded resource',
    argsSchema: z.object({ resourceUri: z.string().describe('URI of the resource to embed') }),
    render: ({ resourceUri }) => [
      { role: 'user', content: { type: 'resource', resource: { uri: resourceUri, mimeType: 'text/plain', text: 'Embedded resource content for testing.' } } },
      { role: 'user', content: { type: 'text', text: 'Please process the embedded resource above.' } },
    ],
  }),
  definePrompt({
    name: 'test_prompt_with_image',
    title: 'Prompt With Image',
    description: 'A prompt that includes image content',
    render: () => [
      { role: 'user', content: { type: 'image', data: PNG_BASE64, mimeType: 'image/png' } },
      { role: 'user', content: { type: 'text', text: 'Please analyze the image above.' } },
    ],
  }),
  definePrompt({
    name: 'test_input_required_result_prompt',
    description: 'MRTR: prompt that requires elicitation input',
    render: (_args, ctx) => {
      const answer = ctx.input('user_context');
      if (answer.kind !== 'elicit' || answer.action !== 'accept') {
        return inputRequired({
          inputRequests: {
            user_context: inputRequired.elicit({
              message: 'What context should the prompt use?',
              requestedSchema: { type: 'object', properties: { context: { type: 'string' } }, required: ['context'] },
            }),
          },
        });
      }
      return `Prompt with context: ${String(answer.content?.['context'])}`;
    },
  }),
];
