import {
  context,
  ROOT_CONTEXT,
  SpanKind,
  SpanStatusCode,
  trace,
  type Attributes,
  type Context,
  type Span,
  type TextMapPropagator,
  type Tracer,
} from '@opentelemetry/api';
import { httpMethodLabel } from '../http/method-label.js';

/**
 * The runtime's spans. Every hook checks `active` first and, when tracing is off, calls straight through:
 * no span objects, no context switch, and the SDK is never imported (see start.ts).
 */
interface ActiveTracing {
  readonly tracer: Tracer;
  readonly propagator: TextMapPropagator;
}

let active: ActiveTracing | undefined;

/** Called by startTracing and its shutdown; not part of the public API. */
export function setActiveTracing(next: ActiveTracing | undefined): void {
  active = next;
}

export function tracingActive(): boolean {
  return active !== undefined;
}

type Carrier = Readonly<Record<string, unknown>>;

const carrierGetter = {
  keys: (carrier: Carrier) => Object.keys(carrier),
  get: (carrier: Carrier, key: string): string | undefined => {
    const value = carrier[key];
    // Only strings: `_meta` is client JSON, and a header may repeat (Node gives an array; W3C says take none).
    return typeof value === 'string' ? value : undefined;
  },
};

/** The parent context carried by `carrier` (HTTP headers, or a request's `_meta`), or `fallback`. */
function extractParent(tracing: ActiveTracing, carrier: Carrier | undefined, fallback: Context): Context {
  if (carrier === undefined || typeof carrier.traceparent !== 'string') return fallback;
  const extracted = tracing.propagator.extract(ROOT_CONTEXT, carrier, carrierGetter);
  return trace.getSpanContext(extracted) === undefined ? fallback : extracted;
}

function endWithError(span: Span, error: unknown): void {
  // The exception type only: messages may carry user data (SQL fragments, argument values).
  span.setStatus({ code: SpanStatusCode.ERROR });
  span.setAttribute('error.type', error instanceof Error ? error.name : typeof error);
  span.end();
}

async function inSpan<T>(
  tracing: ActiveTracing,
  name: string,
  kind: SpanKind,
  attributes: Attributes,
  parent: Context,
  fn: (span: Span) => Promise<T>,
): Promise<T> {
  const span = tracing.tracer.startSpan(name, { kind, attributes }, parent);
  let result: T;
  try {
    result = await context.with(trace.setSpan(parent, span), () => fn(span));
  } catch (error) {
    endWithError(span, error);
    throw error;
  }
  span.end();
  return result;
}

/** Paths whose requests are not traced: probes and scrapes, which would drown the traces. */
const UNTRACED_PATHS: ReadonlySet<string> = new Set(['/healthz', '/readyz', '/metrics']);
const METADATA_PATH = '/.well-known/oauth-protected-resource';

/** A fixed route name for a span: the raw path could hold anything a client sent. */
function routeOf(path: string): string {
  if (path === '/mcp') return path;
  return path.startsWith(METADATA_PATH) ? METADATA_PATH : 'other';
}

/**
 * One SERVER span per HTTP request (probes and scrapes aside), child of the W3C `traceparent` header
 * when it carries one. Only a fixed route name is recorded, never the path or query; `status` is read
 * once the request is answered.
 */
export function traceHttpRequest(
  request: { readonly method?: string | undefined; readonly url?: string | undefined; readonly headers: Carrier },
  status: () => number,
  fn: () => Promise<void>,
): Promise<void> {
  const tracing = active;
  if (tracing === undefined) return fn();
  const url = request.url ?? '/';
  const query = url.indexOf('?');
  const path = query === -1 ? url : url.slice(0, query);
  if (UNTRACED_PATHS.has(path)) return fn();
  const method = httpMethodLabel(request.method);
  const route = routeOf(path);
  const parent = extractParent(tracing, request.headers, ROOT_CONTEXT);
  const attributes = { 'http.request.method': method, 'http.route': route };
  return inSpan(tracing, `${method} ${route}`, SpanKind.SERVER, attributes, parent, async (span) => {
    await fn();
    const code = status();
    span.setAttribute('http.response.status_code', code);
    if (code >= 500) span.setStatus({ code: SpanStatusCode.ERROR });
  });
}

/**
 * One span per tool call. The parent is the 2026-07-28 `_meta` trace context (`traceparent`,
 * `tracestate`) when the request carries one, else the HTTP request's span. Arguments are never recorded.
 */
export function traceToolCall<T>(
  call: { tool: string; requestId: string | number; meta: Carrier | undefined },
  failed: (result: T) => boolean,
  fn: () => Promise<T>,
): Promise<T> {
  const tracing = active;
  if (tracing === undefined) return fn();
  const parent = extractParent(tracing, call.meta, context.active());
  const attributes = {
    'mcp.method.name': 'tools/call',
    'gen_ai.tool.name': call.tool,
    'gen_ai.operation.name': 'execute_tool',
    'jsonrpc.request.id': String(call.requestId),
  };
  return inSpan(tracing, `tools/call ${call.tool}`, SpanKind.SERVER, attributes, parent, async (span) => {
    const result = await fn();
    if (failed(result)) span.setStatus({ code: SpanStatusCode.ERROR });
    return result;
  });
}

const OPERATION = /^\s*([A-Za-z]+)/;

/**
 * One CLIENT span per database query or script. The SQL text is never recorded: it can hold literals.
 * The operation (its first keyword: SELECT, INSERT, BEGIN...) is, upper-cased.
 */
export function traceQuery<T>(system: 'postgresql' | 'pglite', sql: string, fn: () => Promise<T>): Promise<T> {
  const tracing = active;
  if (tracing === undefined) return fn();
  const operation = OPERATION.exec(sql)?.[1]?.toUpperCase() ?? 'QUERY';
  const attributes = { 'db.system.name': 'postgresql', 'db.operation.name': operation, 'slipway.db.driver': system };
  return inSpan(tracing, operation, SpanKind.CLIENT, attributes, context.active(), () => fn());
}

export const NO_TRACE_FIELDS: Readonly<Record<string, string>> = Object.freeze({});

/** pino mixin: trace_id and span_id of the active span, for log lines written inside one. */
export function traceLogFields(): Readonly<Record<string, string>> {
  if (active === undefined) return NO_TRACE_FIELDS;
  const span = trace.getSpanContext(context.active());
  if (span === undefined) return NO_TRACE_FIELDS;
  return { trace_id: span.traceId, span_id: span.spanId };
}
