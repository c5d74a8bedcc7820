import { Client, type ClientOptions } from '@modelcontextprotocol/client';
import { InMemoryTransport } from '@modelcontextprotocol/server';
import { serveStdio } from '@modelcontextprotocol/server/stdio';
import type { EventBus } from '../events/bus.js';
import { withConnectionEvents } from '../events/connection-events.js';
import { buildServerFactory, type Capabilities, type ServerInfo } from '../server-factory.js';
import type { Logger } from 'pino';

/** A connected MCP client for a service's own unit tests: same factory as production, no network. */
export async function connectInMemory(
  info: ServerInfo,
  capabilities: Capabilities,
  options: {
    logger?: Logger;
    clientName?: string;
    /** E.g. `{ versionNegotiation: { mode: 'auto' } }` for the 2026-07-28 era, and the capabilities the client declares. */
    client?: ClientOptions;
    /** The bus handlers publish to (`ctx.publish`); the client hears it. Default: a new in-process bus. */
    events?: EventBus;
  } = {},
): Promise<Client & { close(): Promise<void> }> {
  const built = buildServerFactory(info, capabilities, {
    ...(options.logger && { logger: options.logger }),
    ...(options.events && { events: options.events }),
  });
  const [clientTransport, serverTransport] = InMemoryTransport.createLinkedPair();
  const served = serveStdio(
    withConnectionEvents(built.factory, built.events, () => {}),
    { transport: serverTransport },
  );
  const client = new Client({ name: options.clientName ?? 'slipway-test-client', version: '0.0.0' }, options.client);
  await client.connect(clientTransport);
  const closeClient = client.close.bind(client);
  // Closing the client also stops the in-memory server side.
  client.close = async () => {
    await closeClient();
    await served.close();
  };
  return client;
}
