/**
 * Every metric a service on this runtime exports on /metrics: its own (metrics.ts registers them from
 * here) and prom-client's Node.js defaults. Generated dashboards, alerts and release gates are checked
 * against this list (@slipway/validate), so it imports nothing: reading it never loads the runtime.
 */

/** `input_required`: a round of a multi-round-trip call that asked the client for input. */
export const TOOL_OUTCOMES = ['success', 'error', 'input_required'] as const;

export const SERVICE_METRICS = {
  httpRequests: {
    name: 'http_requests_total',
    type: 'counter',
    help: 'HTTP requests served, by method, fixed route name and status code',
    labelNames: ['method', 'route', 'status'],
  },
  httpDuration: {
    name: 'http_request_duration_seconds',
    type: 'histogram',
    help: 'HTTP request duration in seconds, by method, fixed route name and status code',
    labelNames: ['method', 'route', 'status'],
    buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
  },
  toolCalls: {
    name: 'mcp_tool_calls_total',
    type: 'counter',
    help: 'MCP tool calls, by tool and outcome (success|error|input_required)',
    labelNames: ['tool', 'outcome'],
  },
  toolDuration: {
    name: 'mcp_tool_call_duration_seconds',
    type: 'histogram',
    help: 'MCP tool call duration in seconds, by tool and outcome (success|error|input_required)',
    labelNames: ['tool', 'outcome'],
    buckets: [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60],
  },
} as const;

type MetricType = 'counter' | 'gauge' | 'histogram';

/** prom-client 15's collectDefaultMetrics(), on unless ServiceMetrics is built with defaultMetrics: false. */
export const DEFAULT_METRICS: ReadonlyArray<{ readonly name: string; readonly type: MetricType }> = [
  ...['process_cpu_user_seconds_total', 'process_cpu_system_seconds_total', 'process_cpu_seconds_total'].map((name) => ({ name, type: 'counter' as const })),
  ...[
    'process_start_time_seconds',
    'process_resident_memory_bytes',
    'process_virtual_memory_bytes',
    'process_heap_bytes',
    'process_open_fds',
    'process_max_fds',
    'nodejs_eventloop_lag_seconds',
    'nodejs_eventloop_lag_min_seconds',
    'nodejs_eventloop_lag_max_seconds',
    'nodejs_eventloop_lag_mean_seconds',
    'nodejs_eventloop_lag_stddev_seconds',
    'nodejs_eventloop_lag_p50_seconds',
    'nodejs_eventloop_lag_p90_seconds',
    'nodejs_eventloop_lag_p99_seconds',
    'nodejs_active_resources',
    'nodejs_active_resources_total',
    'nodejs_active_handles',
    'nodejs_active_handles_total',
    'nodejs_active_requests',
    'nodejs_active_requests_total',
    'nodejs_heap_size_total_bytes',
    'nodejs_heap_size_used_bytes',
    'nodejs_external_memory_bytes',
    'nodejs_heap_space_size_total_bytes',
    'nodejs_heap_space_size_used_bytes',
    'nodejs_heap_space_size_available_bytes',
    'nodejs_version_info',
  ].map((name) => ({ name, type: 'gauge' as const })),
  { name: 'nodejs_gc_duration_seconds', type: 'histogram' },
];

/** Every metric family, the runtime's first. */
export const METRIC_FAMILIES: ReadonlyArray<{ readonly name: string; readonly type: MetricType }> = [...Object.values(SERVICE_METRICS), ...DEFAULT_METRICS];

/** The series names a scrape yields: a histogram `x` is `x_bucket`, `x_sum` and `x_count`. */
export function exportedSeriesNames(): string[] {
  return METRIC_FAMILIES.flatMap(({ name, type }) => (type === 'histogram' ? [`${name}_bucket`, `${name}_sum`, `${name}_count`] : [name]));
}
