import type { McpServer, McpServerFactory, Server } from '@modelcontextprotocol/server';
import type { EventBus, ServiceEvent } from './bus.js';

function lowLevel(server: McpServer | Server): Server {
  return 'server' in server ? server.server : server;
}

function send(server: Server, event: ServiceEvent): Promise<void> | undefined {
  switch (event.type) {
    case 'tools/list_changed':
      return server.sendToolListChanged();
    case 'prompts/list_changed':
      return server.sendPromptListChanged();
    case 'resources/list_changed':
      return server.sendResourceListChanged();
    case 'resources/updated':
      return server.sendResourceUpdated({ uri: event.uri });
    default:
      return undefined;
  }
}

/**
 * For connection transports (stdio, the in-memory test client): the connection's one server instance
 * hears the bus and sends each change as a notification. The SDK routes it onto the open
 * `subscriptions/listen` streams (2026-07-28) or sends it as is (2025). Over HTTP the SDK's handler
 * does this from the bus itself (events/sdk-bus.ts), so per-request instances never subscribe.
 */
export function withConnectionEvents(factory: McpServerFactory, events: EventBus, onError: (error: unknown) => void): McpServerFactory {
  return async (ctx) => {
    const server = await factory(ctx);
    const sdk = lowLevel(server);
    const unsubscribe = events.subscribe((event) => {
      if (sdk.transport === undefined) return;
      send(sdk, event)?.catch(onError);
    });
    const previous = sdk.onclose;
    sdk.onclose = () => {
      unsubscribe();
      previous?.();
    };
    return server;
  };
}
