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
import { startServiceTracing, type ServiceTracingOptions, type TracingConfig } from './tracing/service.js';

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
  /** Tracing in code (an exporter); otherwise the OTEL_* and APPLICATIONINSIGHTS_CONNECTION_STRING variables, as over HTTP. */
  tracing?: ServiceTracingOptions;
}

type BaseShape = typeof baseConfigSchema.shape;

/** One variable by the runtime's own rule; a bad value reads as unset (loadConfig reports it). */
function fromEnv<K extends keyof BaseShape>(key: K): ReturnType<BaseShape[K]['parse']> | undefined {
  const parsed = baseConfigSchema.shape[key].safeParse(process.env[key]);
  return parsed.success ? (parsed.data as ReturnType<BaseShape[K]['parse']>) : undefined;
}

function requestStateConfigFromEnv(): RequestStateConfig {
  return { REQUEST_STATE_KEYS: fromEnv('REQUEST_STATE_KEYS') ?? [], NODE_ENV: process.env['NODE_ENV'] };
}

function tracingConfigFromEnv(): TracingConfig {
  return {
    OTEL_EXPORTER_OTLP_ENDPOINT: fromEnv('OTEL_EXPORTER_OTLP_ENDPOINT'),
    OTEL_SERVICE_NAME: fromEnv('OTEL_SERVICE_NAME'),
    OTEL_TRACES_SAMPLER_ARG: fromEnv('OTEL_TRACES_SAMPLER_ARG'),
    APPLICATIONINSIGHTS_CONNECTION_STRING: fromEnv('APPLICATIONINSIGHTS_CONNECTION_STRING'),
  };
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
 * end runs the same shutdown as SIGTERM and exits. `close()` shuts down without exiting. With tracing
 * configured, reading starts once it runs, so every tool call gets its span (parent: `_meta.traceparent`).
 */
export function runStdio(options: StdioServiceOptions): StdioServerHandle {
  const logger = options.logger ?? createLogger({ name: options.info.name, level: process.env['LOG_LEVEL'] ?? 'info', destination: 'stderr' });
  const hooks = shutdownHooks(options.onShutdown);
  const exitProcess = options.exitProcess ?? true;
  const timeoutMs = options.shutdownTimeoutMs ?? fromEnv('SHUTDOWN_TIMEOUT_MS') ?? 10_000;
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
  // stdin is not read until serveStdio starts the transport: what the client sends meanwhile waits in the pipe.
  const serving = startServiceTracing(tracingConfigFromEnv(), options.info, logger, options.tracing)
    .catch((error: unknown) => {
      logger.warn({ err: error }, 'tracing could not start: serving without it');
      return undefined;
    })
    .then((tracing) => {
      const handle = serveStdio(factory, {
        transport,
        onerror: (error) => logger.warn({ err: error }, 'stdio transport error'),
      });
      logger.info('serving MCP over stdio');
      return { handle, tracing };
    });

  async function shutdown(): Promise<void> {
    const { handle, tracing } = await serving;
    await handle.close();
    await runShutdownHooks(hooks, logger);
    await tracing?.shutdown();
    signals?.detach();
    logger.info('shutdown complete');
  }

  function close(): Promise<void> {
    // Assigned before shutdown starts, so the transport closing inside it is seen as ours.
    closing ??= Promise.resolve().then(shutdown);
    return closing;
  }

  const signals = exitProcess ? exitOnSignals({ logger, close, isClosing: () => closing !== undefined, backstopMs: timeoutMs }) : undefined;
  return { close };
}
