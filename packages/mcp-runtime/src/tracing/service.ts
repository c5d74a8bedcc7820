import type { SpanExporter } from '@opentelemetry/sdk-trace-base';
import type { Logger } from 'pino';
import type { BaseConfig } from '../config.js';
import { startTracing, type Tracing } from './start.js';

export type TracingConfig = Partial<
  Pick<BaseConfig, 'OTEL_EXPORTER_OTLP_ENDPOINT' | 'OTEL_SERVICE_NAME' | 'OTEL_TRACES_SAMPLER_ARG' | 'APPLICATIONINSIGHTS_CONNECTION_STRING'>
>;

/** In code, for tests or another backend: an exporter turns tracing on without an endpoint. */
export interface ServiceTracingOptions {
  exporter?: SpanExporter;
}

/** Tracing for a service from its config (OTEL_*); undefined, with nothing loaded, when unconfigured. */
export function startServiceTracing(
  config: TracingConfig,
  info: { name: string; version: string },
  logger: Logger,
  options: ServiceTracingOptions = {},
): Promise<Tracing | undefined> {
  return startTracing({
    endpoint: config.OTEL_EXPORTER_OTLP_ENDPOINT,
    azureMonitorConnectionString: config.APPLICATIONINSIGHTS_CONNECTION_STRING,
    serviceName: config.OTEL_SERVICE_NAME ?? info.name,
    serviceVersion: info.version,
    ...(config.OTEL_TRACES_SAMPLER_ARG !== undefined && { sampleRatio: config.OTEL_TRACES_SAMPLER_ARG }),
    ...(options.exporter !== undefined && { exporter: options.exporter }),
    logger,
  });
}
