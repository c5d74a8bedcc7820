export { startTracing, tracesUrl, type Tracing, type TracingOptions } from './start.js';
export { traceHttpRequest, traceLogFields, traceQuery, traceToolCall, tracingActive } from './spans.js';
