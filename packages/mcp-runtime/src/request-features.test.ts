import { Client, StreamableHTTPClientTransport } from '@modelcontextprotocol/client';
import { completable, inputRequired } from '@modelcontextprotocol/server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { memoryLogger, testConfig } from './__fixtures__/http-client.js';
import { createInProcessBus, type ServiceEvent } from './events/bus.js';
import { startHttpService, type RunningService } from './http/service.js';
import { connectInMemory } from './testing/index.js';
import { definePrompt } from './prompts.js';
import { defineResource } from './resources.js';
import { defineTool } from './tools.js';

/** The request features handlers use (input-required rounds, events, progress, logs, completions, cache hints), over HTTP. */
const confirmDelete = defineTool({
  name: 'delete_note',
  description: 'Deletes a note after the user confirms',
  inputSchema: z.object({ id: z.string() }),
  inputRequired: true,
  handler: ({ id }, ctx) => {
    const confirmed = ctx.input('confirm');
    const state = ctx.requestState<{ id: string }>();
    if (confirmed.kind !== 'elicit' || state === undefined) {
      return inputRequired({
        inputRequests: {
          confirm: inputRequired.elicit({
            message: `Delete note ${id}?`,
            requestedSchema: { type: 'object', properties: { ok: { type: 'boolean' } }, required: ['ok'] },
          }),
        },
        requestState: ctx.sealState({ id }),
      });
    }
    return { content: [{ type: 'text', text: `${confirmed.content?.['ok'] === true ? 'deleted' : 'kept'} ${state.id}` }] };
  },
});

const renameTool = defineTool({
  name: 'rename_tools',
  description: 'Changes the tool list (publishes tools/list_changed)',
  inputSchema: z.object({}),
  handler: async (_args, ctx) => {
    await ctx.publish({ type: 'tools/list_changed' });
    return { content: [{ type: 'text', text: 'published' }] };
  },
});

const chattyTool = defineTool({
  name: 'chatty',
  description: 'Reports progress and logs to the client',
  inputSchema: z.object({}),
  streaming: true,
  handler: async (_args, ctx) => {
    await ctx.progress(1, { total: 2, message: 'half' });
    await ctx.log('info', 'working');
    await ctx.progress(2, { total: 2 });
    return { content: [{ type: 'text', text: 'done' }] };
  },
});

const greet = definePrompt({
  name: 'greet',
  argsSchema: z.object({ city: completable(z.string(), (value) => ['Paris', 'Porto', 'Prague'].filter((c) => c.startsWith(value))) }),
  render: ({ city }) => `Say hello to ${city}`,
});

const note = defineResource({
  name: 'note',
  uriTemplate: 'notes://{id}',
  complete: { id: (value) => ['n1', 'n2', 'x9'].filter((id) => id.startsWith(value)) },
  cacheHint: { ttlMs: 5_000, cacheScope: 'private' },
  read: (_uri, ctx) => `note ${String(ctx.variables['id'])}`,
});

const events = createInProcessBus();
const published: ServiceEvent[] = [];
events.subscribe((event) => published.push(event));
let service: RunningService;

beforeAll(async () => {
  service = await startHttpService({
    info: { name: 'features', version: '1.0.0' },
    capabilities: {
      tools: [confirmDelete, renameTool, chattyTool],
      prompts: [greet],
      resources: [note],
      cacheHints: { tools: { ttlMs: 60_000, cacheScope: 'public' } },
    },
    config: testConfig({ REQUEST_STATE_KEYS: ['k'.repeat(32)] }),
    logger: memoryLogger().logger,
    handleSignals: false,
    events,
  });
});
afterAll(() => service.close());

async function modernClient(answer: { ok: boolean }): Promise<{ client: Client; asked: string[] }> {
  const asked: string[] = [];
  const client = new Client({ name: 'features-test', version: '1.0.0' }, { capabilities: { elicitation: { form: {} } }, versionNegotiation: { mode: 'auto' } });
  client.setRequestHandler('elicitation/create', async (request) => {
    asked.push(request.params.message);
    return { action: 'accept', content: answer };
  });
  await client.connect(new StreamableHTTPClientTransport(new URL(`${service.url}/mcp`)));
  return { client, asked };
}

/** mcp_tool_calls_total for one tool and outcome, as /metrics exports it. */
async function toolCalls(tool: string, outcome: string): Promise<number> {
  const text = await service.metrics!.metrics();
  const match = new RegExp(`^mcp_tool_calls_total\\{tool="${tool}",outcome="${outcome}"\\} (\\d+)$`, 'm').exec(text);
  if (match === null) throw new Error(`no mcp_tool_calls_total series for ${tool}, ${outcome}`);
  return Number(match[1]);
}

describe('request features over HTTP (2026-07-28)', () => {
  it('runs an input-required round trip: the client answers, calls again with the signed state, the tool finishes', async () => {
    const { client, asked } = await modernClient({ ok: true });
    const before = { asked: await toolCalls('delete_note', 'input_required'), done: await toolCalls('delete_note', 'success') };
    try {
      const result = await client.callTool({ name: 'delete_note', arguments: { id: 'n7' } });
      expect(asked).toEqual(['Delete note n7?']);
      expect(result.content).toEqual([{ type: 'text', text: 'deleted n7' }]);
      // Each round is a call the service served: the one that asked, then the one that finished.
      expect(await toolCalls('delete_note', 'input_required')).toBe(before.asked + 1);
      expect(await toolCalls('delete_note', 'success')).toBe(before.done + 1);
    } finally {
      await client.close();
    }
  });

  it('refuses a changed requestState with -32602 before the tool runs', async () => {
    const { client } = await modernClient({ ok: true });
    try {
      const first = (await client.callTool({ name: 'delete_note', arguments: { id: 'n7' } }, { allowInputRequired: true })) as unknown as {
        resultType?: string;
        requestState: string;
      };
      expect(first.resultType).toBe('input_required');
      const [prefix, body, mac] = first.requestState.split('.') as [string, string, string];
      const forged = Buffer.from(JSON.stringify({ ...JSON.parse(Buffer.from(body, 'base64url').toString()), p: { id: 'someone-elses' } })).toString(
        'base64url',
      );
      const retry = client.callTool(
        {
          name: 'delete_note',
          arguments: { id: 'n7' },
          requestState: `${prefix}.${forged}.${mac}`,
          inputResponses: { confirm: { action: 'accept', content: { ok: true } } },
        } as never,
        { allowInputRequired: true },
      );
      await expect(retry).rejects.toMatchObject({ code: -32602 });
    } finally {
      await client.close();
    }
  });

  it('delivers a published list change to an open subscriptions/listen stream', async () => {
    const { client } = await modernClient({ ok: true });
    try {
      const heard = new Promise<string>((resolve) => client.setNotificationHandler('notifications/tools/list_changed', (n) => resolve(n.method)));
      const subscription = await client.listen({ toolsListChanged: true });
      expect(subscription.honoredFilter).toMatchObject({ toolsListChanged: true });
      await client.callTool({ name: 'rename_tools', arguments: {} });
      expect(await heard).toBe('notifications/tools/list_changed');
      expect(published).toContainEqual({ type: 'tools/list_changed' });
      await subscription.close();
    } finally {
      await client.close();
    }
  });

  it('sends progress for a progress token, and no log without a log level', async () => {
    const { client } = await modernClient({ ok: true });
    const logs: unknown[] = [];
    client.setNotificationHandler('notifications/message', (n) => void logs.push(n.params));
    try {
      const progress: number[] = [];
      const result = await client.callTool({ name: 'chatty', arguments: {} }, { onprogress: (p) => void progress.push(p.progress) });
      expect(result.content).toEqual([{ type: 'text', text: 'done' }]);
      expect(progress).toEqual([1, 2]);
      expect(logs).toEqual([]);
    } finally {
      await client.close();
    }
  });

  it('completes prompt arguments and template variables, and sends the cache hints set per list', async () => {
    const { client } = await modernClient({ ok: true });
    try {
      const city = await client.complete({ ref: { type: 'ref/prompt', name: 'greet' }, argument: { name: 'city', value: 'Pr' } });
      expect(city.completion.values).toEqual(['Prague']);
      const id = await client.complete({ ref: { type: 'ref/resource', uri: 'notes://{id}' }, argument: { name: 'id', value: 'n' } });
      expect(id.completion.values).toEqual(['n1', 'n2']);
      const tools = (await client.listTools(undefined, { cacheMode: 'bypass' } as never)) as unknown as { ttlMs?: number; cacheScope?: string };
      expect(tools).toMatchObject({ ttlMs: 60_000, cacheScope: 'public' });
      const read = (await client.readResource({ uri: 'notes://n1' }, { cacheMode: 'bypass' } as never)) as unknown as { ttlMs?: number; cacheScope?: string };
      expect(read).toMatchObject({ ttlMs: 5_000, cacheScope: 'private' });
    } finally {
      await client.close();
    }
  });
});

describe('request features over a connection (stdio, the in-memory test client)', () => {
  it('delivers a published list change to the connection, on both eras', async () => {
    for (const client of [
      await connectInMemory({ name: 'features', version: '1.0.0' }, { tools: [renameTool] }, { client: { versionNegotiation: { mode: 'auto' } } }),
      await connectInMemory({ name: 'features', version: '1.0.0' }, { tools: [renameTool] }),
    ]) {
      try {
        const heard = new Promise<string>((resolve) => client.setNotificationHandler('notifications/tools/list_changed', (n) => resolve(n.method)));
        // 2026-07-28 hears changes on a subscriptions/listen stream; 2025 gets them unsolicited.
        const subscription = client.getNegotiatedProtocolVersion() === '2026-07-28' ? await client.listen({ toolsListChanged: true }) : undefined;
        await client.callTool({ name: 'rename_tools', arguments: {} });
        expect(await heard).toBe('notifications/tools/list_changed');
        await subscription?.close();
      } finally {
        await client.close();
      }
    }
  });
});
