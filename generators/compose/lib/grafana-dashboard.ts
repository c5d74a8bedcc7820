import { titleCase } from '../../../packages/nx/src/names.js';
import type { RenderedFile } from '../../../packages/nx/src/render.js';
import { shareOf } from '../../../packages/nx/src/deployment/service-alerts.js';
import { stableJson } from '../../../packages/nx/src/stable-json.js';

/** The provisioned datasource (templates/compose/monitoring/grafana/provisioning/datasources). */
const DATASOURCE = { type: 'prometheus', uid: 'prometheus' } as const;

interface Panel {
  readonly title: string;
  readonly unit: string;
  readonly description: string;
  readonly queries: ReadonlyArray<{ readonly expr: string; readonly legend: string }>;
}

/**
 * The MCP service dashboard: tool calls, tool errors and latency (mcp_tool_calls_total,
 * mcp_tool_call_duration_seconds), HTTP traffic and latency (http_requests_total,
 * http_request_duration_seconds), and the Node.js process. Every query is scoped to the service's job.
 */
function panels(job: string): Panel[] {
  const sel = (extra = '') => `{job="${job}"${extra}}`;
  const rate = (metric: string, extra = '') => `rate(${metric}${sel(extra)}[$__rate_interval])`;
  return [
    {
      title: 'Tool calls per second',
      unit: 'reqps',
      description: 'MCP tools/call requests, by tool and outcome.',
      queries: [{ expr: `sum by (tool, outcome) (${rate('mcp_tool_calls_total')})`, legend: '{{tool}} {{outcome}}' }],
    },
    {
      title: 'Tool error ratio',
      unit: 'percentunit',
      description: 'Share of tool calls that returned an error, by tool.',
      queries: [
        {
          expr: shareOf(`sum by (tool) (${rate('mcp_tool_calls_total', ',outcome="error"')})`, `sum by (tool) (${rate('mcp_tool_calls_total')})`),
          legend: '{{tool}}',
        },
      ],
    },
    {
      title: 'Tool call latency (p50, p95, p99)',
      unit: 's',
      description: 'Tool call duration quantiles over all tools.',
      queries: [0.5, 0.95, 0.99].map((q) => ({
        expr: `histogram_quantile(${q}, sum by (le) (${rate('mcp_tool_call_duration_seconds_bucket')}))`,
        legend: `p${q * 100}`,
      })),
    },
    {
      title: 'Tool call latency p95 by tool',
      unit: 's',
      description: '95th percentile tool call duration, by tool.',
      queries: [{ expr: `histogram_quantile(0.95, sum by (le, tool) (${rate('mcp_tool_call_duration_seconds_bucket')}))`, legend: '{{tool}}' }],
    },
    {
      title: 'HTTP requests per second',
      unit: 'reqps',
      description: 'Requests by route and status code.',
      queries: [{ expr: `sum by (route, status) (${rate('http_requests_total')})`, legend: '{{route}} {{status}}' }],
    },
    {
      title: 'HTTP latency p95 by route',
      unit: 's',
      description: '95th percentile request duration, by route.',
      queries: [{ expr: `histogram_quantile(0.95, sum by (le, route) (${rate('http_request_duration_seconds_bucket')}))`, legend: '{{route}}' }],
    },
    {
      title: 'HTTP 5xx ratio',
      unit: 'percentunit',
      description: 'Share of requests answered with a server error.',
      queries: [{ expr: shareOf(`sum(${rate('http_requests_total', ',status=~"5.."')})`, `sum(${rate('http_requests_total')})`), legend: '5xx' }],
    },
    {
      title: 'Process memory and event loop',
      unit: 'bytes',
      description: 'Resident memory; the event loop lag p99 is on the right axis.',
      queries: [
        { expr: `process_resident_memory_bytes${sel()}`, legend: 'resident memory' },
        { expr: `nodejs_eventloop_lag_p99_seconds${sel()}`, legend: 'event loop lag p99 (s)' },
      ],
    },
  ];
}

const WIDTH = 12;
const HEIGHT = 8;

function toGrafana(panel: Panel, index: number) {
  const lagOnRightAxis = panel.queries.some((q) => q.expr.startsWith('nodejs_eventloop_lag'));
  return {
    id: index + 1,
    type: 'timeseries',
    title: panel.title,
    description: panel.description,
    datasource: DATASOURCE,
    gridPos: { h: HEIGHT, w: WIDTH, x: (index % 2) * WIDTH, y: Math.floor(index / 2) * HEIGHT },
    fieldConfig: {
      defaults: { unit: panel.unit, custom: { lineWidth: 1, fillOpacity: 10 } },
      overrides: lagOnRightAxis
        ? [
            {
              matcher: { id: 'byName', options: 'event loop lag p99 (s)' },
              properties: [
                { id: 'unit', value: 's' },
                { id: 'custom.axisPlacement', value: 'right' },
              ],
            },
          ]
        : [],
    },
    options: { legend: { displayMode: 'list', placement: 'bottom', showLegend: true }, tooltip: { mode: 'multi', sort: 'desc' } },
    targets: panel.queries.map((q, i) => ({ refId: String.fromCharCode(65 + i), datasource: DATASOURCE, expr: q.expr, legendFormat: q.legend })),
  };
}

/** The dashboard JSON Grafana provisions from monitoring/grafana/dashboards/. */
export function grafanaDashboard(service: string, job: string): RenderedFile {
  const dashboard = {
    uid: `slipway-${service}`.slice(0, 40),
    title: `${titleCase(service)} MCP service`,
    description: 'Generated by Slipway (@slipway/nx:compose): MCP tool calls, HTTP traffic and the Node.js process.',
    tags: ['mcp', 'slipway'],
    editable: false,
    refresh: '30s',
    schemaVersion: 39,
    time: { from: 'now-1h', to: 'now' },
    timezone: 'browser',
    annotations: { list: [] },
    templating: { list: [] },
    panels: panels(job).map(toGrafana),
  };
  return { path: `monitoring/grafana/dashboards/${service}.json`, content: stableJson(dashboard), writeOnce: false };
}
