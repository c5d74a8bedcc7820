import { context, propagation, trace } from '@opentelemetry/api';
import type { SpanExporter, SpanProcessor } from '@opentelemetry/sdk-trace-base';
import type { Logger } from 'pino';
import { setActiveTracing, tracingActive } from './spans.js';

export interface TracingOptions {
  /** OTLP/HTTP base URL (OTEL_EXPORTER_OTLP_ENDPOINT); spans go to `${endpoint}/v1/traces`. */
  endpoint?: string | undefined;
  /** resource `service.name` (OTEL_SERVICE_NAME, else the service's name). */
  serviceName: string;
  serviceVersion?: string;
  /** Head sampling of new traces, 0..1 (OTEL_TRACES_SAMPLER_ARG); a sampled parent is always followed. */
  sampleRatio?: number;
  /**
   * Application Insights (APPLICATIONINSIGHTS_CONNECTION_STRING): spans also go to Azure Monitor through
   * its OpenTelemetry exporter (a dependency, imported only when this is set).
   */
  azureMonitorConnectionString?: string | undefined;
  /** Replaces the OTLP exporter (tests, other backends); spans are then exported one by one. */
  exporter?: SpanExporter;
  logger?: Logger;
}

export interface Tracing {
  /** Exports what is buffered. */
  flush(): Promise<void>;
  /** Flushes, then turns tracing off for this process. Idempotent. */
  shutdown(): Promise<void>;
}

async function azureMonitorExporter(connectionString: string): Promise<SpanExporter> {
  // Imported here so that services that don't send to Azure never load it.
  const { AzureMonitorTraceExporter } = await import('@azure/monitor-opentelemetry-exporter');
  return new AzureMonitorTraceExporter({ connectionString });
}

/** The OTLP traces URL for a base endpoint, as the OTel spec defines it (the signal path appended). */
export function tracesUrl(endpoint: string): string {
  return `${endpoint.replace(/\/+$/, '')}/v1/traces`;
}

/**
 * Starts the OpenTelemetry SDK when an endpoint or exporter is configured; otherwise returns undefined
 * and loads nothing. The SDK modules are imported here only, so a service without tracing never pays
 * for them. One tracing per process: a second call while one runs is refused.
 */
export async function startTracing(options: TracingOptions): Promise<Tracing | undefined> {
  const otlp = options.endpoint !== undefined && options.endpoint !== '';
  const azure = options.azureMonitorConnectionString !== undefined && options.azureMonitorConnectionString !== '';
  if (options.exporter === undefined && !otlp && !azure) return undefined;
  if (tracingActive()) throw new Error('startTracing: tracing is already running in this process');
  const [sdk, core, hooks, resources] = await Promise.all([
    import('@opentelemetry/sdk-trace-base'),
    import('@opentelemetry/core'),
    import('@opentelemetry/context-async-hooks'),
    import('@opentelemetry/resources'),
  ]);
  const processors: SpanProcessor[] = [];
  if (options.exporter !== undefined) processors.push(new sdk.SimpleSpanProcessor(options.exporter));
  if (otlp) {
    const { OTLPTraceExporter } = await import('@opentelemetry/exporter-trace-otlp-http');
    processors.push(new sdk.BatchSpanProcessor(new OTLPTraceExporter({ url: tracesUrl(options.endpoint!) })));
  }
  if (azure) processors.push(new sdk.BatchSpanProcessor(await azureMonitorExporter(options.azureMonitorConnectionString!)));
  const provider = new sdk.BasicTracerProvider({
    resource: resources.resourceFromAttributes({
      'service.name': options.serviceName,
      ...(options.serviceVersion !== undefined && { 'service.version': options.serviceVersion }),
    }),
    sampler: new sdk.ParentBasedSampler({ root: new sdk.TraceIdRatioBasedSampler(options.sampleRatio ?? 1) }),
    spanProcessors: processors,
  });
  const contextManager = new hooks.AsyncLocalStorageContextManager().enable();
  const propagator = new core.W3CTraceContextPropagator();
  // Registered globally too, so a tool's own spans (trace.getTracer(...)) join the runtime's traces.
  context.setGlobalContextManager(contextManager);
  trace.setGlobalTracerProvider(provider);
  propagation.setGlobalPropagator(propagator);
  setActiveTracing({ tracer: provider.getTracer('@slipway/mcp-runtime'), propagator });
  options.logger?.info(
    {
      tracing: [...(options.exporter ? ['custom exporter'] : []), ...(otlp ? [tracesUrl(options.endpoint!)] : []), ...(azure ? ['azure monitor'] : [])],
      sampleRatio: options.sampleRatio ?? 1,
    },
    'tracing on',
  );

  let stopped: Promise<void> | undefined;
  return {
    flush: () => provider.forceFlush(),
    shutdown: () =>
      (stopped ??= (async () => {
        setActiveTracing(undefined);
        try {
          await provider.shutdown();
        } catch (error) {
          options.logger?.warn({ err: error }, 'tracing: the last spans could not be exported');
        }
        trace.disable();
        propagation.disable();
        context.disable();
      })()),
  };
}
