import { serveStdio, type StdioServerHandle } from '@modelcontextprotocol/server/stdio';
import type { Logger } from 'pino';
import { createLogger } from './logger.js';
import { buildServerFactory, type Capabilities, type ServerInfo } from './server-factory.js';

export interface StdioServiceOptions {
  info: ServerInfo;
  capabilities: Capabilities;
  /** Must write to stderr: stdout carries the protocol. Defaults to a stderr logger at LOG_LEVEL or info. */
  logger?: Logger;
}

/** Serves the same capabilities over stdio (one client, the parent process). */
export function runStdio(options: StdioServiceOptions): StdioServerHandle {
  const logger =
    options.logger ??
    createLogger({ name: options.info.name, level: process.env['LOG_LEVEL'] ?? 'info', destination: 'stderr' });
  const { factory } = buildServerFactory(options.info, options.capabilities, { logger });
  const handle = serveStdio(factory, { onerror: (error) => logger.warn({ err: error }, 'stdio transport error') });
  logger.info('serving MCP over stdio');
  return handle;
}
