import { Client } from '@modelcontextprotocol/client';
import { InMemoryTransport } from '@modelcontextprotocol/server';
import { serveStdio } from '@modelcontextprotocol/server/stdio';
import { buildServerFactory, type Capabilities, type ServerInfo } from '../server-factory.js';
import type { Logger } from 'pino';

/** A connected MCP client for a service's own unit tests: same factory as production, no network. */
export async function connectInMemory(
  info: ServerInfo,
  capabilities: Capabilities,
  options: { logger?: Logger; clientName?: string } = {},
): Promise<Client & { close(): Promise<void> }> {
  const { factory } = buildServerFactory(info, capabilities, options.logger ? { logger: options.logger } : {});
  const [clientTransport, serverTransport] = InMemoryTransport.createLinkedPair();
  const served = serveStdio(factory, { transport: serverTransport });
  const client = new Client({ name: options.clientName ?? 'slipway-test-client', version: '0.0.0' });
  await client.connect(clientTransport);
  const closeClient = client.close.bind(client);
  // Closing the client also stops the in-memory server side.
  client.close = async () => {
    await closeClient();
    await served.close();
  };
  return client;
}
