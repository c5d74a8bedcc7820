import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { Registry } from 'prom-client';
import type { Logger } from 'pino';
import { createBearerAuth, type BearerAuth } from '../auth/bearer.js';
import type { AuthOptions } from '../auth/types.js';
import { checkOpsPort, ConfigError, type BaseConfig } from '../config.js';
import { createLogger } from '../logger.js';
import { ServiceMetrics, type RouteName } from '../metrics.js';
import { buildServerFactory, type Capabilities, type ServerInfo } from '../server-factory.js';
import { createHeaderGuard, loopbackOrigins } from './allowlists.js';
import { drainServer, formatUrl, listen } from './listener.js';
import { createMcpEndpoint } from './mcp-endpoint.js';
import { runReadinessChecks, type ReadinessCheck } from './readiness.js';
import { requestIdFrom } from './request-id.js';
import { sendJson } from './responses.js';
import { runShutdownHooks, shutdownHooks, type ShutdownHook } from '../shutdown-hooks.js';
import { resolveAllowlists } from './service-config.js';

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
  Partial<Pick<BaseConfig, 'OPS_PORT'>>;

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

/** Which listener a request came in on: one for everything, or public and ops when OPS_PORT is set. */
type Listener = 'single' | 'public' | 'ops';
const METADATA = '/.well-known/oauth-protected-resource';
const SERVED: Record<Listener, ReadonlySet<RouteName>> = {
  single: new Set<RouteName>(['/mcp', '/healthz', '/readyz', '/metrics', METADATA]),
  // Readiness and metrics describe internals: with OPS_PORT they stay off the ingress.
  public: new Set<RouteName>(['/mcp', '/healthz', METADATA]),
  ops: new Set<RouteName>(['/healthz', '/readyz', '/metrics']),
};
// Requests still running on the ops listener once the public one has drained: probes and scrapes.
const OPS_DRAIN_MS = 1_000;

const ROUTE_BY_PATH: ReadonlyMap<string, RouteName> = new Map<string, RouteName>([
  ['/mcp', '/mcp'],
  ['/healthz', '/healthz'],
  ['/readyz', '/readyz'],
  ['/metrics', '/metrics'],
]);
const HEALTHY = JSON.stringify({ status: 'ok' });

/** A bind that failed on the configuration (HOST, PORT, OPS_PORT) becomes one line naming it; else the error itself. */
function listenError(error: unknown, variable: 'PORT' | 'OPS_PORT', host: string, port: number): unknown {
  const code = (error as { code?: unknown } | null)?.code;
  const hostText = JSON.stringify(host);
  switch (code) {
    case 'EADDRNOTAVAIL':
      return new ConfigError(
        `Invalid configuration: HOST ${hostText} is not an address of this machine (EADDRNOTAVAIL): use 0.0.0.0 (every interface), 127.0.0.1 or one of its own addresses`,
        ['HOST'],
      );
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
    case 'EAI_FAIL':
      return new ConfigError(
        `Invalid configuration: HOST ${hostText} does not resolve (${code}): use an IP address such as 0.0.0.0 or 127.0.0.1, or a name this machine resolves`,
        ['HOST'],
      );
    case 'EADDRINUSE':
      return new ConfigError(`Invalid configuration: ${variable} ${port} is already in use on ${hostText}: stop the other process or pick another port`, [variable]);
    case 'EACCES':
      return new ConfigError(`Invalid configuration: ${variable} ${port} needs privileges to bind on ${hostText}: use a port from 1024 up`, [variable]);
    default:
      return error;
  }
}

function routeOf(url: string | undefined, auth: BearerAuth | undefined, listener: Listener): RouteName {
  if (url === undefined) return 'other';
  const query = url.indexOf('?');
  const path = query === -1 ? url : url.slice(0, query);
  const route = ROUTE_BY_PATH.get(path) ?? (auth?.metadataPaths.has(path) ? METADATA : 'other');
  // A route another listener serves is a plain 404 here, indistinguishable from an unknown path.
  return SERVED[listener].has(route) ? route : 'other';
}

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
  const built = buildServerFactory(info, options.capabilities, { logger, ...(metrics && { metrics }) });
  const auth = options.auth === undefined ? undefined : createBearerAuth(options.auth);
  let boundPort = config.PORT;
  const mcp = createMcpEndpoint({
    factory: built.factory,
    streamingTools: built.streamingTools,
    guard: createHeaderGuard({
      allowedHosts: allowlists.hosts,
      // The defaults follow the bound port, known only after listen (PORT may be 0).
      allowedOrigins: allowlists.origins ?? (() => loopbackOrigins(boundPort)),
    }),
    maxRequestBodyBytes: config.MAX_REQUEST_BODY_BYTES,
    ...(options.jsonResponses !== undefined && { jsonResponses: options.jsonResponses }),
    ...(auth !== undefined && { auth }),
    onerror: (error) => logger.debug({ err: error }, 'mcp request rejected or failed'),
  });
  const readiness = options.readiness ?? {};
  const hooks = shutdownHooks(options.onShutdown);
  let draining = false;
  // Responses not yet started when the drain begins must still say Connection: close.
  const inFlight = new Set<ServerResponse>();

  async function serveReadiness(res: ServerResponse): Promise<void> {
    if (draining) return sendJson(res, 503, { status: 'shutting_down' });
    const report = await runReadinessChecks(readiness, config.READINESS_TIMEOUT_MS);
    // The causes (addresses, driver messages) go to the log only; the body names the failing checks.
    for (const { check, error, timeoutMs } of report.failures) {
      const cause = error === undefined ? { timeoutMs } : { err: error };
      logger.warn({ check, ...cause }, 'readiness check failed');
    }
    // Re-checked: shutdown may have begun while the checks ran.
    if (draining) return sendJson(res, 503, { status: 'shutting_down' });
    sendJson(res, report.ready ? 200 : 503, { status: report.ready ? 'ready' : 'unavailable', checks: report.checks });
  }

  async function serveMetrics(res: ServerResponse): Promise<void> {
    if (metrics === undefined) return sendJson(res, 404, { error: 'not_found' });
    const body = await metrics.render();
    res.writeHead(200, { 'content-type': metrics.contentType, 'content-length': Buffer.byteLength(body) });
    res.end(body);
  }

  async function dispatch(route: RouteName, req: IncomingMessage, res: ServerResponse, requestId: string): Promise<void> {
    switch (route) {
      case '/mcp':
        return mcp.handle(req, res, requestId);
      case '/healthz':
        res.writeHead(200, { 'content-type': 'application/json', 'content-length': HEALTHY.length });
        res.end(HEALTHY);
        return;
      case '/readyz':
        return serveReadiness(res);
      case '/metrics':
        return serveMetrics(res);
      case METADATA:
        // A public document: any origin may read it (browser-based MCP clients discover the AS here).
        res.setHeader('access-control-allow-origin', '*');
        return sendJson(res, 200, auth?.metadata);
      default:
        return sendJson(res, 404, { error: 'not_found' });
    }
  }

  async function onRequest(listener: Listener, req: IncomingMessage, res: ServerResponse): Promise<void> {
    const started = performance.now();
    const requestId = requestIdFrom(req.headers['x-request-id']);
    const route = routeOf(req.url, auth, listener);
    res.setHeader('x-request-id', requestId);
    if (draining) res.setHeader('connection', 'close');
    inFlight.add(res);
    try {
      await dispatch(route, req, res, requestId);
    } catch (error) {
      logger.error({ err: error, reqId: requestId, route }, 'request failed');
      if (!res.headersSent) sendJson(res, 500, { jsonrpc: '2.0', error: { code: -32603, message: 'Internal server error' }, id: null });
      else res.destroy();
    }
    inFlight.delete(res);
    const durationMs = performance.now() - started;
    const method = req.method ?? 'GET';
    metrics?.recordHttp(method, route, res.statusCode, durationMs / 1000);
    logger.info({ reqId: requestId, method, route, status: res.statusCode, durationMs: Math.round(durationMs * 1000) / 1000 }, 'request');
  }

  const timeouts = options.timeouts ?? {};
  function createListener(listener: Listener): Server {
    const created = createServer((req, res) => void onRequest(listener, req, res));
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
    draining = true;
    for (const res of inFlight) if (!res.headersSent) res.setHeader('connection', 'close');
    logger.info({ timeoutMs: config.SHUTDOWN_TIMEOUT_MS }, 'shutting down: draining in-flight requests');
    if (await drainServer(server, config.SHUTDOWN_TIMEOUT_MS)) logger.warn('shutdown timeout reached: closing remaining connections');
    // The ops listener outlives the public drain: probes see 503 shutting_down, Prometheus a last scrape.
    if (ops !== undefined) await drainServer(ops.server, Math.min(OPS_DRAIN_MS, config.SHUTDOWN_TIMEOUT_MS));
    await mcp.close();
    await runShutdownHooks(hooks, logger);
    if (handleSignals) {
      process.off('SIGTERM', onSignal);
      process.off('SIGINT', onSignal);
    }
    logger.info('shutdown complete');
  }

  function close(): Promise<void> {
    closing ??= drain();
    return closing;
  }

  function onSignal(signal: NodeJS.Signals): void {
    if (closing !== undefined) {
      logger.warn({ signal }, 'second signal during shutdown: exiting now');
      process.exit(1);
    }
    logger.info({ signal }, 'signal received');
    close().then(
      () => process.exit(0),
      (error: unknown) => {
        logger.error({ err: error }, 'shutdown failed');
        process.exit(1);
      },
    );
  }

  if (handleSignals) {
    process.on('SIGTERM', onSignal);
    process.on('SIGINT', onSignal);
  }

  return { url, port, close, server, ...(ops && { ops }), ...(metrics && { metrics: metrics.registry }) };
}
