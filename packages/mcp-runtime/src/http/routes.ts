import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Logger } from 'pino';
import type { BearerAuth } from '../auth/bearer.js';
import { ownFieldsLogger, REQUEST_ID_LOG_FIELD } from '../logger.js';
import { REQUEST_ID_HEADER } from '../request-context.js';
import type { RouteName, ServiceMetrics } from '../metrics.js';
import type { McpEndpoint } from './mcp-endpoint.js';
import { runReadinessChecks, type ReadinessCheck } from './readiness.js';
import { requestIdFrom } from './request-id.js';
import { sendJson } from './responses.js';

/** Which listener a request came in on: one for everything, or public and ops when OPS_PORT is set. */
export type Listener = 'single' | 'public' | 'ops';

const METADATA = '/.well-known/oauth-protected-resource';
const SERVED: Record<Listener, ReadonlySet<RouteName>> = {
  single: new Set<RouteName>(['/mcp', '/healthz', '/readyz', '/metrics', METADATA]),
  // Readiness and metrics describe internals: with OPS_PORT they stay off the ingress.
  public: new Set<RouteName>(['/mcp', '/healthz', METADATA]),
  ops: new Set<RouteName>(['/healthz', '/readyz', '/metrics']),
};
const ROUTE_BY_PATH: ReadonlyMap<string, RouteName> = new Map<string, RouteName>([
  ['/mcp', '/mcp'],
  ['/healthz', '/healthz'],
  ['/readyz', '/readyz'],
  ['/metrics', '/metrics'],
]);
const HEALTHY = JSON.stringify({ status: 'ok' });

function routeOf(url: string | undefined, auth: BearerAuth | undefined, listener: Listener): RouteName {
  if (url === undefined) return 'other';
  const query = url.indexOf('?');
  const path = query === -1 ? url : url.slice(0, query);
  const route = ROUTE_BY_PATH.get(path) ?? (auth?.metadataPaths.has(path) ? METADATA : 'other');
  // A route another listener serves is a plain 404 here, indistinguishable from an unknown path.
  return SERVED[listener].has(route) ? route : 'other';
}

export interface RoutesOptions {
  readonly mcp: McpEndpoint;
  readonly logger: Logger;
  readonly readiness: Record<string, ReadinessCheck>;
  readonly readinessTimeoutMs: number;
  readonly metrics?: ServiceMetrics;
  readonly auth?: BearerAuth;
}

export interface Routes {
  /** Answers one request on `listener`: routing, request id, metrics and the access log. */
  handle(listener: Listener, req: IncomingMessage, res: ServerResponse): Promise<void>;
  /** From now on /readyz says shutting_down and every response, in flight or new, says Connection: close. */
  startDraining(): void;
}

/** What the service's listeners answer: /mcp, /healthz, /readyz, /metrics and the OAuth metadata. */
export function createRoutes({ mcp, logger, readiness, readinessTimeoutMs, metrics, auth }: RoutesOptions): Routes {
  let draining = false;
  const accessLog = ownFieldsLogger(logger);
  // Responses not yet started when the drain begins must still say Connection: close.
  const inFlight = new Set<ServerResponse>();

  async function serveReadiness(res: ServerResponse): Promise<void> {
    if (draining) return sendJson(res, 503, { status: 'shutting_down' });
    const report = await runReadinessChecks(readiness, readinessTimeoutMs);
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

  async function handle(listener: Listener, req: IncomingMessage, res: ServerResponse): Promise<void> {
    const started = performance.now();
    const requestId = requestIdFrom(req.headers[REQUEST_ID_HEADER]);
    const route = routeOf(req.url, auth, listener);
    res.setHeader(REQUEST_ID_HEADER, requestId);
    if (draining) res.setHeader('connection', 'close');
    inFlight.add(res);
    try {
      await dispatch(route, req, res, requestId);
    } catch (error) {
      logger.error({ err: error, [REQUEST_ID_LOG_FIELD]: requestId, route }, 'request failed');
      if (!res.headersSent) sendJson(res, 500, { jsonrpc: '2.0', error: { code: -32603, message: 'Internal server error' }, id: null });
      else res.destroy();
    }
    inFlight.delete(res);
    const durationMs = performance.now() - started;
    const method = req.method ?? 'GET';
    metrics?.recordHttp(method, route, res.statusCode, durationMs / 1000);
    accessLog.info({ [REQUEST_ID_LOG_FIELD]: requestId, method, route, status: res.statusCode, durationMs: Math.round(durationMs * 1000) / 1000 }, 'request');
  }

  return {
    handle,
    startDraining() {
      draining = true;
      for (const res of inFlight) if (!res.headersSent) res.setHeader('connection', 'close');
    },
  };
}
