import { isGrafanaDashboard, prometheusSources } from './prometheus-sources.js';
import { promtoolProblems } from './promtool.js';
import { unknownMetricMessages } from './promql-metrics.js';
import { onPath } from './system-tools.js';
import type { ArtifactValidator } from './types.js';

/**
 * The PromQL of the monitoring artifacts: rules files and PrometheusRules through `promtool check rules`,
 * AnalysisTemplate and Grafana dashboard queries as recording rules through the same, and every
 * expression's metric names against what a Slipway service exports (the runtime's catalogue). The
 * name check needs no promtool and still runs without it.
 */
export const prometheusValidator: ArtifactValidator = {
  name: 'promtool + metric names',
  tools: [{ command: 'promtool', install: 'apt-get install prometheus (promtool comes with it)', part: 'PromQL syntax and rules (promtool check rules)' }],
  appliesTo: (path) => /\.ya?ml$/.test(path) || isGrafanaDashboard(path),
  async validate(files, context) {
    const { ruleFiles, queries } = prometheusSources(files);
    const expressions = [...ruleFiles.flatMap((rules) => rules.rules), ...queries];
    const names = unknownMetricMessages(
      expressions,
      ruleFiles.flatMap((rules) => rules.records),
    );
    // validateLayer passes the PATH it looked for tools on; without promtool there, only the names are checked.
    const syntax = onPath('promtool', context?.path) ? await promtoolProblems(ruleFiles, queries) : [];
    return [...syntax, ...names];
  },
};
