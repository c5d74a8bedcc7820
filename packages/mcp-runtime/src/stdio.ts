import { serveStdio, StdioServerTransport, type StdioServerHandle } from '@modelcontextprotocol/server/stdio';
import type { Logger } from 'pino';
import { baseConfigSchema } from './config.js';
import { runShutdownHooks, shutdownHooks, type ShutdownHook } from './shutdown-hooks.js';
import type { EventBus } from './events/bus.js';
import { withConnectionEvents } from './events/connection-events.js';
import { createLogger } from './logger.js';
import type { RequestStateConfig } from './request-state.js';
import { exitOnSignals } from './signal-exit.js';
import { buildServerFactory, type Capabilities, type ServerInfo } from './server-factory.js';

export interface StdioServiceOptions {
  info: ServerInfo;
  capabilities: Capabilities;
  /** Must write to stderr: stdout carries the protocol. Defaults to a stderr logger at LOG_LEVEL or info. */
  logger?: Logger;
  /** Run in order after the server has closed (close databases here). */
  onShutdown?: ShutdownHook[] | ShutdownHook;
  /** Where handlers' `ctx.publish` events go; the client hears them as change notifications. Default: in-process. */
  events?: EventBus;
  /**
   * Exit the process after the shutdown when stdin closes (the client went away) and on
   * SIGTERM/SIGINT: exit 0, or 1 when the shutdown failed or outlasted its timeout. Default true.
   */
  exitProcess?: boolean;
  /** Bound on the whole shutdown (server close and hooks). Default SHUTDOWN_TIMEOUT_MS, as over HTTP. */
  shutdownTimeoutMs?: number;
}

/** SHUTDOWN_TIMEOUT_MS by the runtime's own rule; a bad value keeps the default (loadConfig reports it). */
function shutdownTimeoutFromEnv(): number {
  const parsed = baseConfigSchema.shape.SHUTDOWN_TIMEOUT_MS.safeParse(process.env['SHUTDOWN_TIMEOUT_MS']);
  return parsed.success ? parsed.data : 10_000;
}

/** REQUEST_STATE_KEYS and NODE_ENV by the runtime's own rules; a bad value reads as unset (loadConfig reports it). */
function requestStateConfigFromEnv(): RequestStateConfig {
  const keys = baseConfigSchema.shape.REQUEST_STATE_KEYS.safeParse(process.env['REQUEST_STATE_KEYS']);
  return { REQUEST_STATE_KEYS: keys.success ? keys.data : [], NODE_ENV: process.env['NODE_ENV'] };
}

/** The SDK's stdio transport, telling us when it closes: stdin ended, stdout broke, or we closed it. */
class ObservedStdioTransport extends StdioServerTransport {
  constructor(private readonly onClosed: () => void) {
    super();
  }

  override async close(): Promise<void> {
    await super.close();
    this.onClosed();
  }
}

/**
 * Serves the same capabilities over stdio (one client, the parent process). The SDK stops reading
 * when stdin closes, but an open database (PGlite, a pg pool) keeps the process alive: so stdin's
 * end runs the same shutdown as SIGTERM and exits. `close()` shuts down without exiting.
 */
export function runStdio(options: StdioServiceOptions): StdioServerHandle {
  const logger = options.logger ?? createLogger({ name: options.info.name, level: process.env['LOG_LEVEL'] ?? 'info', destination: 'stderr' });
  const hooks = shutdownHooks(options.onShutdown);
  const exitProcess = options.exitProcess ?? true;
  const timeoutMs = options.shutdownTimeoutMs ?? shutdownTimeoutFromEnv();
  const built = buildServerFactory(options.info, options.capabilities, {
    logger,
    requestStateConfig: requestStateConfigFromEnv(),
    ...(options.events && { events: options.events }),
  });
  const factory = withConnectionEvents(built.factory, built.events, (error) => logger.warn({ err: error }, 'change notification failed'));

  let closing: Promise<void> | undefined;
  const transport = new ObservedStdioTransport(() => {
    // Our own close() closes the transport too; only a close we did not start means stdin ended.
    if (closing === undefined) signals?.exitAfter('stdin closed');
  });
  const handle = serveStdio(factory, {
    transport,
    onerror: (error) => logger.warn({ err: error }, 'stdio transport error'),
  });

  async function shutdown(): Promise<void> {
    await handle.close();
    await runShutdownHooks(hooks, logger);
    signals?.detach();
    logger.info('shutdown complete');
  }

  function close(): Promise<void> {
    // Assigned before shutdown starts, so the transport closing inside it is seen as ours.
    closing ??= Promise.resolve().then(shutdown);
    return closing;
  }

  const signals = exitProcess ? exitOnSignals({ logger, close, isClosing: () => closing !== undefined, backstopMs: timeoutMs }) : undefined;
  logger.info('serving MCP over stdio');
  return { close };
}
