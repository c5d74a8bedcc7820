import { describe, expect, it } from 'vitest';
import { METRIC_FAMILIES, exportedSeriesNames } from './metric-catalogue.js';
import { ServiceMetrics } from './metrics.js';

describe('metric catalogue', () => {
  it('lists exactly the metric families a service registers, with their types', async () => {
    const registered = await new ServiceMetrics().registry.getMetricsAsJSON();
    const byName = (list: ReadonlyArray<{ name: string; type: string }>) => list.map(({ name, type }) => `${name} ${type}`).sort();
    expect(byName(METRIC_FAMILIES)).toEqual(byName(registered.map((m) => ({ name: m.name, type: String(m.type) }))));
  });

  it('names every series /metrics shows, histograms as _bucket, _sum and _count', async () => {
    const metrics = new ServiceMetrics();
    metrics.tool('echo').calls.success.inc();
    const text = await metrics.render();
    const shown = new Set([...text.matchAll(/^([a-zA-Z_:][a-zA-Z0-9_:]*)[{ ]/gm)].map((m) => m[1]!));
    const exported = new Set(exportedSeriesNames());
    expect(shown.size).toBeGreaterThan(25);
    expect([...shown].filter((name) => !exported.has(name))).toEqual([]);
    expect(exportedSeriesNames()).toEqual(
      expect.arrayContaining(['mcp_tool_calls_total', 'mcp_tool_call_duration_seconds_bucket', 'nodejs_eventloop_lag_p99_seconds']),
    );
  });
});
