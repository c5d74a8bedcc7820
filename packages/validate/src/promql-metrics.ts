// Which metrics a PromQL expression reads, and whether a Slipway service exports them.
import { exportedSeriesNames } from '@slipway/mcp-runtime/metric-catalogue';
import type { PromQuery } from './prometheus-sources.js';

/** Series Prometheus makes itself: per scrape target, and for alerting rules. */
const PROMETHEUS_SERIES = [
  'up',
  'scrape_duration_seconds',
  'scrape_samples_scraped',
  'scrape_samples_post_metric_relabeling',
  'scrape_series_added',
  'ALERTS',
  'ALERTS_FOR_STATE',
];

// Aggregations are keywords too: `sum by (job) (...)` puts `by`, not `(`, after the name.
const KEYWORDS = new Set(
  ['and', 'or', 'unless', 'bool', 'offset', 'by', 'without', 'on', 'ignoring', 'group_left', 'group_right', 'inf', 'nan'].concat([
    'sum',
    'avg',
    'min',
    'max',
    'count',
    'group',
    'stddev',
    'stdvar',
    'topk',
    'bottomk',
    'quantile',
    'count_values',
  ]),
);

/**
 * The metric names an expression selects. A lexer's worth of PromQL: strings, label matchers, ranges and
 * grouping labels are dropped; what is left that is not a keyword, a number or a function call is a metric.
 * Syntax errors are promtool's to report.
 */
export function metricNames(expr: string): string[] {
  const bare = expr
    .replace(/"(?:[^"\\]|\\.)*"|'(?:[^'\\]|\\.)*'|`[^`]*`/g, '""')
    .replace(/#[^\n]*/g, '')
    .replace(/\{[^}]*\}/g, '{}')
    .replace(/\[[^\]]*\]/g, '[]')
    .replace(/\b(by|without|on|ignoring|group_left|group_right)\s*\([^)]*\)/g, '$1');
  const names = new Set<string>();
  for (const match of bare.matchAll(/(?<![\w.:])([a-zA-Z_:][a-zA-Z0-9_:]*)(?=(\s*)(.?))/g)) {
    const [, name, , next] = match;
    if (next === '(' || KEYWORDS.has(name!.toLowerCase())) continue;
    names.add(name!);
  }
  return [...names];
}

/** The closest known name, for a "did you mean" (edit distance, at most a third of the name). */
function closest(name: string, known: readonly string[]): string | undefined {
  const distance = (a: string, b: string): number => {
    let row = Array.from({ length: b.length + 1 }, (_, i) => i);
    for (let i = 1; i <= a.length; i++) {
      const next = [i];
      for (let j = 1; j <= b.length; j++) next[j] = Math.min(row[j]! + 1, next[j - 1]! + 1, row[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1));
      row = next;
    }
    return row[b.length]!;
  };
  const [best] = known.map((k) => ({ k, d: distance(name, k) })).sort((x, y) => x.d - y.d);
  return best && best.d <= Math.ceil(name.length / 3) ? best.k : undefined;
}

/**
 * Expressions that read a metric neither the runtime (its catalogue), Prometheus itself nor a recording
 * rule among the artifacts makes: a typo'd name returns no data, which no syntax check sees.
 */
export function unknownMetricMessages(queries: readonly PromQuery[], recorded: readonly string[]): Array<{ file: string; message: string }> {
  const known = [...exportedSeriesNames(), ...PROMETHEUS_SERIES, ...recorded];
  const knownSet = new Set(known);
  return queries.flatMap(({ file, where, expr }) =>
    metricNames(expr)
      .filter((name) => !knownSet.has(name))
      .map((name) => {
        const suggestion = closest(name, known);
        return {
          file,
          message: `${where}: unknown metric "${name}": a Slipway service's /metrics has no such series${suggestion ? `; did you mean "${suggestion}"?` : ''}`,
        };
      }),
  );
}
