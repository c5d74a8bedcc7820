import { Counter, Histogram, Registry, collectDefaultMetrics, type LabelValues } from 'prom-client';

/** Fixed route labels: the raw URL is never a label value (unbounded cardinality). */
export const ROUTES = ['/mcp', '/healthz', '/readyz', '/metrics', '/.well-known/oauth-protected-resource', 'other'] as const;
export type RouteName = (typeof ROUTES)[number];
export type ToolOutcome = 'success' | 'error';

/** The pair of metric children one (method, route, status) combination records into. */
export interface HttpMetricChildren {
  readonly requests: Counter.Internal;
  readonly duration: Histogram.Internal<'method' | 'route' | 'status'>;
}

export interface ToolMetricChildren {
  readonly calls: Record<ToolOutcome, Counter.Internal>;
  readonly duration: Record<ToolOutcome, Histogram.Internal<'tool' | 'outcome'>>;
}

const COMMON = [
  ['POST', '/mcp', 200],
  ['POST', '/mcp', 202],
  ['GET', '/healthz', 200],
  ['GET', '/readyz', 200],
  ['GET', '/readyz', 503],
  ['GET', '/metrics', 200],
] as const;

/** Service metrics on a dedicated registry, with label children cached so recording does no label hashing. */
export class ServiceMetrics {
  readonly registry = new Registry();
  private readonly httpRequests: Counter<'method' | 'route' | 'status'>;
  private readonly httpDuration: Histogram<'method' | 'route' | 'status'>;
  private readonly toolCalls: Counter<'tool' | 'outcome'>;
  private readonly toolDuration: Histogram<'tool' | 'outcome'>;
  private readonly httpChildren = new Map<string, HttpMetricChildren>();
  private readonly toolChildren = new Map<string, ToolMetricChildren>();

  constructor(options: { defaultMetrics?: boolean } = {}) {
    if (options.defaultMetrics !== false) collectDefaultMetrics({ register: this.registry });
    this.httpRequests = new Counter({
      name: 'http_requests_total',
      help: 'HTTP requests served, by method, fixed route name and status code',
      labelNames: ['method', 'route', 'status'],
      registers: [this.registry],
    });
    this.httpDuration = new Histogram({
      name: 'http_request_duration_seconds',
      help: 'HTTP request duration in seconds, by method, fixed route name and status code',
      labelNames: ['method', 'route', 'status'],
      buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
      registers: [this.registry],
    });
    this.toolCalls = new Counter({
      name: 'mcp_tool_calls_total',
      help: 'MCP tool calls, by tool and outcome (success|error)',
      labelNames: ['tool', 'outcome'],
      registers: [this.registry],
    });
    this.toolDuration = new Histogram({
      name: 'mcp_tool_call_duration_seconds',
      help: 'MCP tool call duration in seconds, by tool and outcome (success|error)',
      labelNames: ['tool', 'outcome'],
      buckets: [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60],
      registers: [this.registry],
    });
    for (const [method, route, status] of COMMON) this.http(method, route, status);
  }

  /** Children for one HTTP label combination; created on first use and cached. */
  http(method: string, route: RouteName, status: number): HttpMetricChildren {
    const key = `${method} ${route} ${status}`;
    let children = this.httpChildren.get(key);
    if (children === undefined) {
      const labels: LabelValues<'method' | 'route' | 'status'> = { method, route, status: String(status) };
      children = { requests: this.httpRequests.labels(labels), duration: this.httpDuration.labels(labels) };
      this.httpChildren.set(key, children);
    }
    return children;
  }

  /** Children for one tool, both outcomes; call at start-up so the per-call path only touches a field. */
  tool(name: string): ToolMetricChildren {
    let children = this.toolChildren.get(name);
    if (children === undefined) {
      children = {
        calls: { success: this.toolCalls.labels(name, 'success'), error: this.toolCalls.labels(name, 'error') },
        duration: {
          success: this.toolDuration.labels(name, 'success'),
          error: this.toolDuration.labels(name, 'error'),
        },
      };
      this.toolChildren.set(name, children);
    }
    return children;
  }

  /** Records one HTTP request. `method` is normalised to a small fixed set to bound cardinality. */
  recordHttp(method: string, route: RouteName, status: number, seconds: number): void {
    const children = this.http(KNOWN_METHODS.has(method) ? method : 'OTHER', route, status);
    children.requests.inc();
    children.duration.observe(seconds);
  }

  async render(): Promise<string> {
    return this.registry.metrics();
  }

  get contentType(): string {
    return this.registry.contentType;
  }
}

const KNOWN_METHODS = new Set(['GET', 'POST', 'DELETE', 'PUT', 'PATCH', 'HEAD', 'OPTIONS']);
