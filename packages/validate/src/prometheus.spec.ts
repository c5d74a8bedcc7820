import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { validateLayer } from './index.js';
import { fillArgoArgs, fillGrafanaVariables } from './prometheus-sources.js';
import { prometheusValidator } from './prometheus.js';
import { metricNames } from './promql-metrics.js';

const fixtures = join(import.meta.dirname, '__fixtures__/prometheus');
const read = (name: string): string => readFileSync(join(fixtures, name), 'utf8');

describe('prometheus validator (promtool + metric names)', () => {
  it('passes valid rules, AnalysisTemplate queries and dashboard queries over the runtime’s metrics', async () => {
    const files = new Map([
      [
        'monitoring/alert-rules.yml',
        'groups:\n  - name: orders\n    rules:\n      - record: job:mcp_tool_calls:rate5m\n        expr: sum by (job) (rate(mcp_tool_calls_total[5m]))\n      - alert: ToolsDown\n        expr: job:mcp_tool_calls:rate5m == 0 and on (job) up == 1\n',
      ],
      [
        'monitoring/grafana/dashboards/orders.json',
        JSON.stringify({
          panels: [
            {
              title: 'p99',
              targets: [
                { refId: 'A', expr: 'histogram_quantile(0.99, sum by (le) (rate(mcp_tool_call_duration_seconds_bucket{job="$job"}[$__rate_interval])))' },
              ],
            },
          ],
        }),
      ],
    ]);
    expect(await prometheusValidator.validate(files)).toEqual([]);
  });

  it('catches a broken PromQL query of an AnalysisTemplate, naming the template and metric', async () => {
    const problems = await prometheusValidator.validate(new Map([['deploy/k8s/base/analysis-template.yaml', read('broken-query.analysis-template.yaml')]]));
    expect(problems).toEqual([
      {
        file: 'deploy/k8s/base/analysis-template.yaml',
        message: expect.stringMatching(
          /^promtool: AnalysisTemplate orders-release-gate, metric tool-error-ratio: could not parse expression: .*unexpected character inside braces: '\['/,
        ),
      },
    ]);
  });

  it('catches a broken alert expression in a rules file', async () => {
    const problems = await prometheusValidator.validate(new Map([['monitoring/alert-rules.yml', read('broken-rule.rules.yml')]]));
    expect(problems).toEqual([
      {
        file: 'monitoring/alert-rules.yml',
        message: expect.stringMatching(/^promtool check rules: group "orders", rule 1, "McpEventLoopLagHigh": could not parse expression/),
      },
    ]);
  });

  it('reports promtool’s YAML findings, continuation lines included', async () => {
    const problems = await prometheusValidator.validate(
      new Map([['monitoring/alert-rules.yml', 'groups:\n  - name: a\n    rules:\n      - alert: X\n        expresion: up\n']]),
    );
    expect(problems.map((p) => p.message)).toEqual([expect.stringMatching(/field expresion not found/)]);
  });

  it('catches an unknown metric name in a dashboard panel, with the name it was probably meant to be', async () => {
    const problems = await prometheusValidator.validate(new Map([['monitoring/grafana/dashboards/orders.json', read('unknown-metric.json')]]));
    expect(problems).toEqual([
      {
        file: 'monitoring/grafana/dashboards/orders.json',
        message:
          'panel "Tool error ratio", query A: unknown metric "mcp_tool_call_total": a Slipway service\'s /metrics has no such series; did you mean "mcp_tool_calls_total"?',
      },
    ]);
  });

  it('checks PrometheusRule documents of a Kubernetes layer as rules', async () => {
    const rule = `apiVersion: monitoring.coreos.com/v1\nkind: PrometheusRule\nmetadata:\n  name: orders-slo\nspec:\n${read('broken-rule.rules.yml').replace(/^(?!#)/gm, '  ')}`;
    const problems = await prometheusValidator.validate(new Map([['deploy/k8s/base/prometheus-rule.yaml', rule]]));
    expect(problems.map((p) => p.message)).toEqual([expect.stringMatching(/^promtool check rules: PrometheusRule orders-slo, group "orders", rule 1/)]);
  });

  it('without promtool, still checks metric names and says the syntax check did not run', async () => {
    const files = new Map([
      ['monitoring/grafana/dashboards/orders.json', read('unknown-metric.json')],
      ['monitoring/alert-rules.yml', read('broken-rule.rules.yml')],
    ]);
    const result = await validateLayer('compose', files, { root: '.', path: '/nonexistent' });
    expect(result.problems.filter((p) => p.message.startsWith('promtool'))).toEqual([]);
    expect(result.skipped).toContainEqual(
      expect.objectContaining({ check: 'promtool + metric names', tool: 'promtool', install: expect.stringMatching(/apt-get install prometheus/) }),
    );
    expect(result.problems.map((p) => p.message)).toContainEqual(expect.stringMatching(/unknown metric "mcp_tool_call_total"/));
  });

  it('reads the metric names of an expression, not its functions, labels, keywords, numbers or durations', () => {
    expect(
      metricNames(
        'histogram_quantile(0.99, sum by (le, job) (rate(a_bucket{job="x", le!="1e3"}[5m] offset 1h))) / on (job) group_left (pod) clamp_min(b, 1e-3) > bool 2 unless c @ start()',
      ).sort(),
    ).toEqual(['a_bucket', 'b', 'c']);
  });

  it('fills Argo arguments and Grafana variables the way they are filled at run time', () => {
    expect(fillArgoArgs('x{a="{{args.namespace}}"}[{{ args.window }}]', new Map([['window', '2m']]))).toBe('x{a="argo-arg-namespace"}[2m]');
    expect(fillGrafanaVariables('rate(x{job="$job", pod="${pod}"}[$__rate_interval])')).toBe('rate(x{job="grafana_var_job", pod="grafana_var_pod"}[5m])');
  });
});
