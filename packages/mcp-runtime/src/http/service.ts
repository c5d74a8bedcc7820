import { createServer, type Server } from 'node:http';
import type { Registry } from 'prom-client';
import type { Logger } from 'pino';
import { createBearerAuth } from '../auth/bearer.js';
import type { AuthOptions } from '../auth/types.js';
import { checkOpsPort, ConfigError, type BaseConfig } from '../config.js';
import type { EventBus } from '../events/bus.js';
import type { Database } from '../database/types.js';
import { registerBusMetrics } from '../events/service-bus.js';
import { toolCallGateFor, type RateLimitConfig } from '../limits/service.js';
import { startServiceTracing, type ServiceTracingOptions, type TracingConfig } from '../tracing/service.js';
import { traceHttpRequest } from '../tracing/spans.js';
import { createLogger } from '../logger.js';
import { ServiceMetrics } from '../metrics.js';
import { buildServerFactory, type Capabilities, type ServerInfo } from '../server-factory.js';
import { createHeaderGuard, loopbackOrigins } from './allowlists.js';
import { drainServer, formatUrl, listen, listenError } from './listener.js';
import { createMcpEndpoint } from './mcp-endpoint.js';
import type { ReadinessCheck } from './readiness.js';
import { createRoutes, type Listener } from './routes.js';
import { runShutdownHooks, shutdownHooks, type ShutdownHook } from '../shutdown-hooks.js';
import { resolveAllowlists } from './service-config.js';
import { exitOnSignals } from '../signal-exit.js';

export type { ShutdownHook } from '../shutdown-hooks.js';

/** The config fields the HTTP service reads; any `baseConfigSchema.extend(...)` output fits. */
export type HttpServiceConfig = Pick<
  BaseConfig,
  | 'PORT'
  | 'HOST'
  | 'LOG_LEVEL'
  | 'ALLOWED_HOSTS'
  | 'ALLOWED_ORIGINS'
  | 'MAX_REQUEST_BODY_BYTES'
  | 'SHUTDOWN_TIMEOUT_MS'
  | 'READINESS_TIMEOUT_MS'
  | 'METRICS_ENABLED'
> &
  Partial<Pick<BaseConfig, 'OPS_PORT' | 'REQUEST_STATE_KEYS' | 'NODE_ENV'>> &
  TracingConfig &
  RateLimitConfig;

export interface HttpServiceTimeouts {
  /** Above common load-balancer idle timeouts (60 s), so the LB closes idle connections first. */
  keepAliveTimeoutMs?: number;
  /** Must exceed keepAliveTimeoutMs. */
  headersTimeoutMs?: number;
  /** Time to receive a whole request (not to answer it). */
  requestTimeoutMs?: number;
}

export interface HttpServiceOptions {
  info: ServerInfo;
  capabilities: Capabilities;
  config: HttpServiceConfig;
  logger?: Logger;
  readiness?: Record<string, ReadinessCheck>;
  /** Run in order after the HTTP server has drained (close databases here). */
  onShutdown?: ShutdownHook[] | ShutdownHook;
  /** Install SIGTERM/SIGINT handlers that drain and exit. Default true. */
  handleSignals?: boolean;
  /** Answer 2025-era requests to non-streaming tools with JSON instead of SSE. Default true. */
  jsonResponses?: boolean;
  timeouts?: HttpServiceTimeouts;
  /**
   * OAuth 2.1 resource server: /mcp requires a bearer JWT verified against the issuer's JWKS, the
   * RFC 9728 metadata is served under /.well-known/oauth-protected-resource, and tools see the
   * verified token as `ctx.authInfo`. Build it from env with `authOptionsFromConfig`.
   */
  auth?: AuthOptions;
  /**
   * Where handlers' `ctx.publish` events go and what `subscriptions/listen` streams hear. Default: this
   * process only; give every replica a shared bus (e.g. PostgreSQL LISTEN/NOTIFY) to reach all clients.
   */
  events?: EventBus;
  /** The service's database: with PostgreSQL, RATE_LIMITS buckets are shared by every replica through it. */
  database?: Database;
  /** Tracing in code (tests, another backend); from env it is OTEL_EXPORTER_OTLP_ENDPOINT. */
  tracing?: ServiceTracingOptions;
}

export interface RunningService {
  /** http://host:port */
  url: string;
  port: number;
  /** Drains like SIGTERM, without exiting the process. Idempotent. */
  close(): Promise<void>;
  /** The service's dedicated metrics registry; undefined when METRICS_ENABLED is false. */
  metrics?: Registry;
  server: Server;
  /** The ops listener (/metrics, /readyz, /healthz), when OPS_PORT is set. */
  ops?: { url: string; port: number; server: Server };
}

// Requests still running on the ops listener once the public one has drained: probes and scrapes.
const OPS_DRAIN_MS = 1_000;

/**
 * Serves MCP over Streamable HTTP (stateless) on /mcp, with /healthz, /readyz and /metrics; with
 * OPS_PORT, /readyz and /metrics move to a second listener on that port.
 */
export async function startHttpService(options: HttpServiceOptions): Promise<RunningService> {
  const { config, info } = options;
  checkOpsPort(config);
  const allowlists = resolveAllowlists(config);
  const logger = options.logger ?? createLogger({ name: info.name, level: config.LOG_LEVEL });
  const metrics = config.METRICS_ENABLED ? new ServiceMetrics() : undefined;
  const tracing = await startServiceTracing(config, info, logger, options.tracing);
  const gate = toolCallGateFor(config, options.database, logger);
  registerBusMetrics(options.events, metrics?.registry);
  const built = buildServerFactory(info, options.capabilities, {
    logger,
    requestStateConfig: config,
    ...(config.RATE_LIMIT_TENANT_CLAIM !== undefined && { tenantClaim: config.RATE_LIMIT_TENANT_CLAIM }),
    ...(metrics && { metrics }),
    ...(options.events && { events: options.events }),
  });
  const auth = options.auth === undefined ? undefined : createBearerAuth(options.auth);
  let boundPort = config.PORT;
  const mcp = createMcpEndpoint({
    factory: built.factory,
    streamingTools: built.streamingTools,
    events: built.events,
    guard: createHeaderGuard({
      allowedHosts: allowlists.hosts,
      // The defaults follow the bound port, known only after listen (PORT may be 0).
      allowedOrigins: allowlists.origins ?? (() => loopbackOrigins(boundPort)),
    }),
    maxRequestBodyBytes: config.MAX_REQUEST_BODY_BYTES,
    ...(options.jsonResponses !== undefined && { jsonResponses: options.jsonResponses }),
    ...(auth !== undefined && { auth }),
    ...(gate !== undefined && { gate }),
    onerror: (error) => logger.debug({ err: error }, 'mcp request rejected or failed'),
  });
  const routes = createRoutes({
    mcp,
    logger,
    readiness: options.readiness ?? {},
    readinessTimeoutMs: config.READINESS_TIMEOUT_MS,
    ...(metrics && { metrics }),
    ...(auth && { auth }),
  });
  const hooks = shutdownHooks(options.onShutdown);

  const timeouts = options.timeouts ?? {};
  function createListener(listener: Listener): Server {
    // The span covers the whole exchange, so the access log line carries its trace id too.
    const created = createServer(
      (req, res) =>
        void traceHttpRequest(
          req,
          () => res.statusCode,
          () => routes.handle(listener, req, res),
        ),
    );
    created.keepAliveTimeout = timeouts.keepAliveTimeoutMs ?? 65_000;
    created.headersTimeout = timeouts.headersTimeoutMs ?? created.keepAliveTimeout + 1_000;
    created.requestTimeout = timeouts.requestTimeoutMs ?? 120_000;
    return created;
  }

  const handleSignals = options.handleSignals ?? true;
  // With handleSignals the service owns the process: a bad HOST or PORT ends it like a bad variable in
  // loadConfig (one line, exit 1), not with an unhandled rejection's stack trace. Otherwise it rejects.
  const failListen = (error: unknown, variable: 'PORT' | 'OPS_PORT', port: number): never => {
    const failure = listenError(error, variable, config.HOST, port);
    if (handleSignals && failure instanceof ConfigError) {
      process.stderr.write(`${failure.message}\n`);
      process.exit(1);
    }
    throw failure;
  };
  const opsPort = config.OPS_PORT;
  const server = createListener(opsPort === undefined ? 'single' : 'public');
  const port = await listen(server, config.PORT, config.HOST).catch((error: unknown) => failListen(error, 'PORT', config.PORT));
  boundPort = port;
  const url = formatUrl(config.HOST, port);
  let ops: RunningService['ops'];
  if (opsPort !== undefined) {
    const opsServer = createListener('ops');
    try {
      const bound = await listen(opsServer, opsPort, config.HOST);
      ops = { url: formatUrl(config.HOST, bound), port: bound, server: opsServer };
    } catch (error) {
      await new Promise<void>((resolve) => server.close(() => resolve()));
      failListen(error, 'OPS_PORT', opsPort);
    }
  }
  logger.info(
    {
      url,
      mcp: `${url}/mcp`,
      ...(ops && { ops: ops.url }),
      allowedHosts: allowlists.hosts,
      allowedOrigins: allowlists.origins ?? loopbackOrigins(port),
      ...(auth && { auth: { resource: auth.metadata.resource, metadata: auth.metadataUrl } }),
    },
    'listening',
  );

  let closing: Promise<void> | undefined;

  async function drain(): Promise<void> {
    routes.startDraining();
    logger.info({ timeoutMs: config.SHUTDOWN_TIMEOUT_MS }, 'shutting down: draining in-flight requests');
    if (await drainServer(server, config.SHUTDOWN_TIMEOUT_MS)) logger.warn('shutdown timeout reached: closing remaining connections');
    // The ops listener outlives the public drain: probes see 503 shutting_down, Prometheus a last scrape.
    if (ops !== undefined) await drainServer(ops.server, Math.min(OPS_DRAIN_MS, config.SHUTDOWN_TIMEOUT_MS));
    await mcp.close();
    await runShutdownHooks(hooks, logger);
    await tracing?.shutdown();
    signals?.detach();
    logger.info('shutdown complete');
  }

  function close(): Promise<void> {
    closing ??= drain();
    return closing;
  }

  // The drain has its own deadline (SHUTDOWN_TIMEOUT_MS), so no backstop timer here.
  const signals = handleSignals ? exitOnSignals({ logger, close, isClosing: () => closing !== undefined }) : undefined;

  return { url, port, close, server, ...(ops && { ops }), ...(metrics && { metrics: metrics.registry }) };
}
