import { defineTool, inputRequired } from '@slipway/mcp-runtime';
import { connectInMemory } from '@slipway/mcp-runtime/testing';
import { afterEach, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { serviceInfo } from '../src/service-info.js';

/**
 * How to test tools that use the runtime's request features (see "Request features" in README.md):
 * a tool that asks the user before it acts (an input-required round trip), and one whose change
 * reaches clients listening with `subscriptions/listen`. Copy the pattern for your own tools.
 */
const archiveTool = defineTool({
  name: 'archive_everything',
  description: 'Archives every note, after the user confirms',
  inputSchema: z.object({ reason: z.string() }),
  inputRequired: true,
  handler: ({ reason }, ctx) => {
    const answer = ctx.input('confirm');
    const state = ctx.requestState<{ reason: string }>();
    if (answer.kind !== 'elicit' || state === undefined) {
      return inputRequired({
        inputRequests: {
          confirm: inputRequired.elicit({
            message: `Archive every note (${reason})?`,
            requestedSchema: { type: 'object', properties: { ok: { type: 'boolean' } }, required: ['ok'] },
          }),
        },
        // Signed with REQUEST_STATE_KEYS: the client can read it, not change it.
        requestState: ctx.sealState({ reason }),
      });
    }
    return { content: [{ type: 'text', text: answer.content?.['ok'] === true ? `archived: ${state.reason}` : 'kept' }] };
  },
});

const enableToolsTool = defineTool({
  name: 'enable_beta_tools',
  description: 'Turns on the beta tools: listening clients refresh their tool list',
  inputSchema: z.object({}),
  handler: async (_args, ctx) => {
    await ctx.publish({ type: 'tools/list_changed' });
    return { content: [{ type: 'text', text: 'enabled' }] };
  },
});

const capabilities = { tools: [archiveTool, enableToolsTool] };

describe.each([
  ['2026-07-28', { versionNegotiation: { mode: 'auto' as const } }],
  ['2025-11-25', {}],
])('request features on the %s protocol', (_revision, negotiation) => {
  let client: Awaited<ReturnType<typeof connectInMemory>> | undefined;
  afterEach(() => client?.close());

  it('asks the user before it acts, and finishes with the signed state of the first round', async () => {
    client = await connectInMemory(serviceInfo, capabilities, { client: { capabilities: { elicitation: { form: {} } }, ...negotiation } });
    const asked: string[] = [];
    client.setRequestHandler('elicitation/create', async (request) => {
      asked.push(request.params.message);
      return { action: 'accept', content: { ok: true } };
    });
    const result = await client.callTool({ name: 'archive_everything', arguments: { reason: 'year end' } });
    expect(asked).toEqual(['Archive every note (year end)?']);
    expect(result.content).toEqual([{ type: 'text', text: 'archived: year end' }]);
  });
});

describe('subscriptions/listen (2026-07-28)', () => {
  it('tells a listening client that the tool list changed', async () => {
    const client = await connectInMemory(serviceInfo, capabilities, { client: { versionNegotiation: { mode: 'auto' } } });
    try {
      const heard = new Promise<string>((resolve) => client.setNotificationHandler('notifications/tools/list_changed', (n) => resolve(n.method)));
      const subscription = await client.listen({ toolsListChanged: true });
      await client.callTool({ name: 'enable_beta_tools', arguments: {} });
      expect(await heard).toBe('notifications/tools/list_changed');
      await subscription.close();
    } finally {
      await client.close();
    }
  });
});
