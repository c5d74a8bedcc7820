/**
 * The Argo Rollouts analysis that gates a release, decided on what MCP clients see: a tool that fails
 * answers HTTP 200 with isError, so the HTTP status alone passes a canary whose every tool call fails.
 * Each metric is inconclusive without traffic (no series, or 0/0 = NaN, which no comparison accepts):
 * the rollout then pauses for a person instead of passing.
 */

import { shareOf } from '../../../packages/nx/src/deployment/service-alerts.js';

/** The thresholds the k8s generator takes as options. */
export interface GateThresholds {
  /** Share of /mcp requests from the new pods answered without a 5xx, at least. */
  readonly gateMinHttpSuccessRate: number;
  /** Share of the new pods' tool calls that fail, at most. */
  readonly gateMaxToolErrorRatio: number;
  /** The new pods' p99 tool latency over the stable pods', at most. */
  readonly gateMaxLatencyRatio: number;
  /** Stable p99 latencies below this count as this, so two fast versions are not told apart by noise. */
  readonly gateLatencyFloorSeconds: number;
}

export const GATE_DEFAULTS: GateThresholds = {
  gateMinHttpSuccessRate: 0.99,
  gateMaxToolErrorRatio: 0.05,
  gateMaxLatencyRatio: 1.5,
  gateLatencyFloorSeconds: 0.05,
};

/** How often and over what the analysis measures. */
export const GATE_WINDOWS = {
  interval: '1m',
  /** Rate window of the new pods' series. */
  window: '2m',
  /** Rate window of the stable pods' latency: longer, as after a blue-green switch they serve nothing new. */
  baselineWindow: '30m',
} as const;

/** The analysis arguments the Rollout passes (valueFrom podTemplateHashValue Latest/Stable, and the namespace). */
export const GATE_ARGS = { latest: 'pod-template-hash', stable: 'stable-pod-template-hash', namespace: 'namespace' } as const;

export interface GateMetric {
  readonly name: string;
  /** The PromQL query, with Argo's `{{args.*}}` placeholders. */
  readonly query: string;
  readonly successCondition: string;
  readonly failureCondition: string;
}

/** Series of the pods of one ReplicaSet, as the PodMonitor labels them. */
const pods = (hashArg: string): string => `namespace="{{args.${GATE_ARGS.namespace}}}", rollouts_pod_template_hash="{{args.${hashArg}}}"`;

const atMost = (limit: number) => ({
  successCondition: `len(result) > 0 && result[0] <= ${limit}`,
  failureCondition: `len(result) > 0 && result[0] > ${limit}`,
});
const atLeast = (limit: number) => ({
  successCondition: `len(result) > 0 && result[0] >= ${limit}`,
  failureCondition: `len(result) > 0 && result[0] < ${limit}`,
});

export function releaseGateMetrics(thresholds: GateThresholds): GateMetric[] {
  const latest = pods(GATE_ARGS.latest);
  const stable = pods(GATE_ARGS.stable);
  const { window, baselineWindow } = GATE_WINDOWS;
  const p99 = (selector: string, range: string) => `histogram_quantile(0.99, sum by (le) (rate(mcp_tool_call_duration_seconds_bucket{${selector}}[${range}])))`;
  return [
    {
      name: 'tool-error-ratio',
      query: shareOf(`sum(rate(mcp_tool_calls_total{${latest}, outcome="error"}[${window}]))`, `sum(rate(mcp_tool_calls_total{${latest}}[${window}]))`),
      ...atMost(thresholds.gateMaxToolErrorRatio),
    },
    {
      name: 'tool-latency-p99-vs-stable',
      query: `${p99(latest, window)} / clamp_min(${p99(stable, baselineWindow)}, ${thresholds.gateLatencyFloorSeconds})`,
      ...atMost(thresholds.gateMaxLatencyRatio),
    },
    {
      name: 'http-success-rate',
      query: shareOf(
        `sum(rate(http_requests_total{${latest}, route="/mcp", status!~"5.."}[${window}]))`,
        `sum(rate(http_requests_total{${latest}, route="/mcp"}[${window}]))`,
      ),
      ...atLeast(thresholds.gateMinHttpSuccessRate),
    },
  ];
}
