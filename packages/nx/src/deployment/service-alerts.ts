/**
 * The service's SLO alerts as Prometheus rules, written once for every place that loads them: the k8s
 * PrometheusRule and the compose monitoring overlay's rules file. Only the label scope differs.
 * Burn-rate alerts follow the Google SRE workbook's multiwindow, multi-burn-rate recipe:
 * https://sre.google/workbook/alerting-on-slos/#6-multiwindow-multi-burn-rate-alerts
 */
import { stringify } from 'yaml';
import { z } from 'zod';

/** The SLO targets and alert thresholds a generator takes as options. */
export interface SloTargets {
  /** Share of /mcp requests answered without a 5xx, e.g. 0.999. */
  readonly sloAvailability: number;
  /** Share of tool calls that succeed, e.g. 0.99. */
  readonly sloToolSuccess: number;
  /** p99 tool call latency the service keeps under, in seconds. */
  readonly sloLatencyP99Seconds: number;
  /** Event-loop lag (p99) above which a process is alerted on, in seconds. */
  readonly alertEventLoopLagSeconds: number;
}

export const SLO_DEFAULTS: SloTargets = { sloAvailability: 0.999, sloToolSuccess: 0.99, sloLatencyP99Seconds: 1, alertEventLoopLagSeconds: 0.2 };

/** A share strictly between 0 and 1: an SLO target or an error-ratio threshold. */
export const shareOption = (example: string) =>
  z.coerce
    .number({ error: `must be a number, e.g. ${example}` })
    .gt(0, { error: `must be more than 0 and less than 1, e.g. ${example}` })
    .lt(1, { error: `must be more than 0 and less than 1, e.g. ${example}` });

/** A positive duration in seconds. */
export const secondsOption = (example: string) =>
  z.coerce.number({ error: `must be a number of seconds, e.g. ${example}` }).gt(0, { error: `must be more than 0 seconds, e.g. ${example}` });

/** The zod rules of the SLO options, shared by the generators that write alerts (each decides optional or default). */
export const sloOptionRules = {
  sloAvailability: shareOption('0.999'),
  sloToolSuccess: shareOption('0.99'),
  sloLatencyP99Seconds: secondsOption('1'),
  alertEventLoopLagSeconds: secondsOption('0.2'),
} as const;

/** Where the rules look: which series are the service's, and the labels one service and one process are told apart by. */
export interface AlertScope {
  /** Label matchers every selector starts with, e.g. `job="orders"`. */
  readonly matchers: string;
  /** One service: `job` in compose; `namespace, job` on Kubernetes (one Prometheus, three environments). */
  readonly serviceLabels: readonly string[];
  /** One process: the service labels plus `instance` or `pod`. */
  readonly processLabels: readonly string[];
}

/** One alerting rule. */
export interface AlertRule {
  readonly alert: string;
  readonly expr: string;
  readonly for: string;
  readonly severity: 'critical' | 'warning';
  readonly summary: string;
  readonly description: string;
}

/** Readiness answered both ready and not ready in this window, for `READINESS_FLAP_FOR`: flapping, not a restart. */
const READINESS_FLAP_WINDOW = '10m';
const READINESS_FLAP_FOR = '15m';
const LATENCY_WINDOW = '5m';

/** Burn rates and windows of the SRE workbook's table 5-8: 2% of a 30-day budget in 1h, 5% in 6h (page); 10% in 3d (ticket). */
const BURN_ALERTS = [
  {
    speed: 'Fast',
    severity: 'critical',
    for: '2m',
    windows: [
      { long: '1h', short: '5m', rate: 14.4 },
      { long: '6h', short: '30m', rate: 6 },
    ],
  },
  {
    speed: 'Slow',
    severity: 'warning',
    for: '15m',
    windows: [
      { long: '1d', short: '2h', rate: 3 },
      { long: '3d', short: '6h', rate: 1 },
    ],
  },
] as const;

/** A threshold printed without floating-point noise (14.4 × 0.001 is 0.014400000000000001). */
const number = (value: number): string => String(Number(value.toPrecision(6)));

/** A share as a percentage for people, e.g. 0.999 → 99.9. */
export const percent = (share: number): string => number(share * 100);

const by = (labels: readonly string[]): string => `by (${labels.join(', ')})`;

interface ErrorRatio {
  readonly name: string;
  readonly what: string;
  readonly target: number;
  /** The ratio of bad to all events over a window, per service. */
  readonly ratio: (window: string) => string;
}

/**
 * `part / all`, where a missing `part` counts as 0: the runtime's counters have no series for a status or
 * outcome that never happened, and a plain division by an absent series is absent, not 0. Shared by the
 * alerts, the release gate and the dashboard, which all need a ratio that exists whenever there is traffic.
 */
export function shareOf(part: string, all: string): string {
  return `(${part} or ${all} * 0) / ${all}`;
}

function errorRatios(scope: AlertScope, slo: SloTargets): ErrorRatio[] {
  const sum = (metric: string, extra: string, window: string) => `sum ${by(scope.serviceLabels)} (rate(${metric}{${scope.matchers}${extra}}[${window}]))`;
  const badShare = (metric: string, bad: string, all: string) => (w: string) => `(${shareOf(sum(metric, bad, w), sum(metric, all, w))})`;
  return [
    {
      name: 'McpAvailability',
      what: '/mcp requests answered with a 5xx',
      target: slo.sloAvailability,
      ratio: badShare('http_requests_total', ', route="/mcp", status=~"5.."', ', route="/mcp"'),
    },
    {
      name: 'McpToolErrors',
      what: 'tool calls that failed (isError or thrown)',
      target: slo.sloToolSuccess,
      ratio: badShare('mcp_tool_calls_total', ', outcome="error"', ''),
    },
  ];
}

function burnRateRules(ratio: ErrorRatio): AlertRule[] {
  const budget = 1 - ratio.target;
  return BURN_ALERTS.map(({ speed, severity, for: forDuration, windows }) => {
    const conditions = windows.map(({ long, short, rate }) => {
      const threshold = number(rate * budget);
      return `(${ratio.ratio(long)} > ${threshold} and ${ratio.ratio(short)} > ${threshold})`;
    });
    return {
      alert: `${ratio.name}BudgetBurn${speed}`,
      expr: conditions.join(' or '),
      for: forDuration,
      severity,
      summary: `${ratio.what}: the error budget of the ${percent(ratio.target)}% SLO is burning ${speed === 'Fast' ? 'fast' : 'steadily'}`,
      description: `Over ${windows.map((w) => `${w.long} and ${w.short}`).join(', or over ')}, the share of ${ratio.what} is above ${windows
        .map((w) => `${w.rate}x`)
        .join(' / ')} the budget (${percent(budget)}%). Value: {{ $value | humanizePercentage }}.`,
    };
  });
}

/** Every alert of the service, in a stable order. */
export function serviceAlertRules(scope: AlertScope, slo: SloTargets): AlertRule[] {
  const selector = (extra = '') => `{${scope.matchers}${extra}}`;
  const p99 = `histogram_quantile(0.99, sum ${by([...scope.serviceLabels, 'le'])} (rate(mcp_tool_call_duration_seconds_bucket${selector()}[${LATENCY_WINDOW}])))`;
  // 2 when the window holds both a 200 and a 503 from /readyz, 1 when only one of them, 0 without probes.
  const readinessStates = `sum ${by(scope.processLabels)} (clamp_max(increase(http_requests_total${selector(', route="/readyz", status=~"200|503"')}[${READINESS_FLAP_WINDOW}]), 1))`;
  const lag = `max ${by(scope.processLabels)} (avg_over_time(nodejs_eventloop_lag_p99_seconds${selector()}[${LATENCY_WINDOW}]))`;
  return [
    ...errorRatios(scope, slo).flatMap(burnRateRules),
    {
      alert: 'McpToolLatencyP99High',
      expr: `${p99} > ${number(slo.sloLatencyP99Seconds)}`,
      for: '10m',
      severity: 'warning',
      summary: `p99 tool call latency is above ${number(slo.sloLatencyP99Seconds)} s`,
      description: `The 99th percentile of mcp_tool_call_duration_seconds over ${LATENCY_WINDOW} has been above the ${number(slo.sloLatencyP99Seconds)} s objective for 10 minutes. Value: {{ $value | humanizeDuration }}.`,
    },
    {
      alert: 'McpReadinessFlapping',
      expr: `${readinessStates} >= 2`,
      for: READINESS_FLAP_FOR,
      severity: 'warning',
      summary: 'readiness keeps switching between ready and not ready',
      description: `{{ $labels.${scope.processLabels.at(-1)} }} answered /readyz both 200 and 503 in every ${READINESS_FLAP_WINDOW} window for ${READINESS_FLAP_FOR}: a dependency (the database) comes and goes, or the process is overloaded.`,
    },
    {
      alert: 'McpEventLoopLagHigh',
      expr: `${lag} > ${number(slo.alertEventLoopLagSeconds)}`,
      for: '10m',
      severity: 'warning',
      summary: `the Node.js event loop lags more than ${number(slo.alertEventLoopLagSeconds)} s`,
      description: `{{ $labels.${scope.processLabels.at(-1)} }}: nodejs_eventloop_lag_p99_seconds averaged over ${LATENCY_WINDOW} has been above ${number(slo.alertEventLoopLagSeconds)} s for 10 minutes: CPU-bound work blocks every request of the process. Value: {{ $value | humanizeDuration }}.`,
    },
  ];
}

/** The rules as Prometheus's rule-file `groups`, the shape both a rules file and a PrometheusRule's spec hold. */
function alertRuleGroups(group: string, rules: readonly AlertRule[]) {
  return {
    groups: [
      {
        name: group,
        rules: rules.map((rule) => ({
          alert: rule.alert,
          expr: rule.expr,
          for: rule.for,
          labels: { severity: rule.severity },
          annotations: { summary: rule.summary, description: rule.description },
        })),
      },
    ],
  };
}

/** The groups as YAML, each line indented by `indent` spaces: written through the YAML library, so PromQL's quotes and braces need no care. */
export function alertRuleGroupsYaml(group: string, rules: readonly AlertRule[], indent = 0): string {
  const pad = ' '.repeat(indent);
  return stringify(alertRuleGroups(group, rules), { lineWidth: 0 })
    .trimEnd()
    .split('\n')
    .map((line) => pad + line)
    .join('\n');
}
