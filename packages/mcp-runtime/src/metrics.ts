import { Counter, Histogram, Registry, collectDefaultMetrics, type LabelValues } from 'prom-client';
import { httpMethodLabel } from './http/method-label.js';
import { SERVICE_METRICS, TOOL_OUTCOMES } from './metric-catalogue.js';

/** Fixed route labels: the raw URL is never a label value (unbounded cardinality). */
export const ROUTES = ['/mcp', '/healthz', '/readyz', '/metrics', '/.well-known/oauth-protected-resource', 'other'] as const;
export type RouteName = (typeof ROUTES)[number];
export type ToolOutcome = (typeof TOOL_OUTCOMES)[number];

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
    // Names, help, labels and buckets: the catalogue, which dashboards and alerts are checked against.
    this.httpRequests = new Counter({ ...SERVICE_METRICS.httpRequests, registers: [this.registry] });
    this.httpDuration = new Histogram({ ...SERVICE_METRICS.httpDuration, buckets: [...SERVICE_METRICS.httpDuration.buckets], registers: [this.registry] });
    this.toolCalls = new Counter({ ...SERVICE_METRICS.toolCalls, registers: [this.registry] });
    this.toolDuration = new Histogram({ ...SERVICE_METRICS.toolDuration, buckets: [...SERVICE_METRICS.toolDuration.buckets], registers: [this.registry] });
    for (const [method, route, status] of COMMON) this.http(method, route, status);
  }

  /** Children for one HTTP label combination; created on first use and cached. */
  http(method: string, route: RouteName, status: number): HttpMetricChildren {
    const key = `${method} ${route} ${status}`;
    let children = this.httpChildren.get(key);
    if (children === undefined) {
      const labels: LabelValues<'method' | 'route' | 'status'> = { method, route, status: String(status) };
      children = { requests: this.httpRequests.labels(labels), duration: this.httpDuration.labels(labels) };
      // Exported at 0 from now on: prom-client shows a child only once it counts, and rate() misses a series' first increase.
      children.requests.inc(0);
      this.httpDuration.zero(labels);
      this.httpChildren.set(key, children);
    }
    return children;
  }

  /** Children for one tool, every outcome; call at start-up so the per-call path only touches a field. */
  tool(name: string): ToolMetricChildren {
    const known = this.toolChildren.get(name);
    if (known !== undefined) return known;
    const each = <T>(child: (outcome: ToolOutcome) => T) =>
      Object.fromEntries(TOOL_OUTCOMES.map((outcome) => [outcome, child(outcome)])) as Record<ToolOutcome, T>;
    const children: ToolMetricChildren = {
      calls: each((outcome) => this.toolCalls.labels(name, outcome)),
      duration: each((outcome) => this.toolDuration.labels(name, outcome)),
    };
    for (const outcome of TOOL_OUTCOMES) {
      children.calls[outcome].inc(0);
      this.toolDuration.zero({ tool: name, outcome });
    }
    this.toolChildren.set(name, children);
    return children;
  }

  /** Records one HTTP request. `method` is normalised to a small fixed set to bound cardinality. */
  recordHttp(method: string, route: RouteName, status: number, seconds: number): void {
    const children = this.http(httpMethodLabel(method), route, status);
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
