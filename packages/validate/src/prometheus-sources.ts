// Where generated artifacts hold PromQL: rule files, PrometheusRules, Argo AnalysisTemplates, Grafana dashboards.
import { parseAllDocuments, stringify } from 'yaml';
import { type Json, arrayOrEmpty, isObject } from './json-shapes.js';

/** A Prometheus rules file (`groups:`), as promtool checks it: a compose rules file or a PrometheusRule's spec. */
export interface RuleFileSource {
  readonly file: string;
  readonly where: string;
  readonly text: string;
  /** The expressions of its rules, `where` naming the rule. */
  readonly rules: readonly PromQuery[];
  /** Series its recording rules create. */
  readonly records: readonly string[];
}

/** One PromQL query outside a rules file, made evaluable: tool placeholders replaced with plain text. */
export interface PromQuery {
  readonly file: string;
  readonly where: string;
  readonly expr: string;
}

export const isGrafanaDashboard = (path: string): boolean => /(^|\/)dashboards\/[^/]+\.json$/.test(path);

/**
 * Argo fills `{{args.name}}` in as text before Prometheus sees the query: a label value when quoted,
 * a duration inside `[...]`. Replaced the same way with stand-ins, the query parses as it will run.
 */
export function fillArgoArgs(query: string, defaults: ReadonlyMap<string, string>): string {
  return query
    .replace(/\[\s*\{\{\s*args\.([\w-]+)\s*\}\}\s*\]/g, (_, name: string) => `[${defaults.get(name) ?? '5m'}]`)
    .replace(/\{\{\s*args\.([\w-]+)\s*\}\}/g, (_, name: string) => defaults.get(name) ?? `argo-arg-${name}`);
}

/** Grafana's built-in and dashboard variables (`$__rate_interval`, `${job}`, `$job`), replaced as a range or a word. */
export function fillGrafanaVariables(expr: string): string {
  return expr
    .replace(/\[\s*\$\{?[\w:]+\}?\s*\]/g, '[5m]')
    .replace(/\$__(rate_interval|interval|range)\b/g, '5m')
    .replace(/\$\{([\w:]+)\}|\$([A-Za-z_]\w*)/g, (_, a?: string, b?: string) => `grafana_var_${a ?? b}`);
}

function ruleFile(file: string, where: string, content: Json): RuleFileSource {
  const rules: PromQuery[] = [];
  const records: string[] = [];
  arrayOrEmpty(content['groups'])
    .filter(isObject)
    .forEach((group, g) => {
      arrayOrEmpty(group['rules'])
        .filter(isObject)
        .forEach((rule, r) => {
          const name =
            typeof rule['alert'] === 'string' ? `alert ${rule['alert']}` : typeof rule['record'] === 'string' ? `record ${rule['record']}` : `rule ${r + 1}`;
          if (typeof rule['record'] === 'string') records.push(rule['record']);
          if (typeof rule['expr'] === 'string') rules.push({ file, where: `${where}group "${String(group['name'] ?? g + 1)}", ${name}`, expr: rule['expr'] });
        });
    });
  return { file, where, text: stringify(content, { lineWidth: 0 }), rules, records };
}

function analysisQueries(file: string, doc: Json): PromQuery[] {
  const spec = isObject(doc['spec']) ? doc['spec'] : {};
  const name = isObject(doc['metadata']) ? String(doc['metadata']['name'] ?? '?') : '?';
  const defaults = new Map(
    arrayOrEmpty(spec['args'])
      .filter(isObject)
      .filter((arg) => typeof arg['value'] === 'string')
      .map((arg) => [String(arg['name']), String(arg['value'])]),
  );
  return arrayOrEmpty(spec['metrics'])
    .filter(isObject)
    .flatMap((metric) => {
      const prometheus = isObject(metric['provider']) ? metric['provider']['prometheus'] : undefined;
      if (!isObject(prometheus) || typeof prometheus['query'] !== 'string') return [];
      return [{ file, where: `AnalysisTemplate ${name}, metric ${String(metric['name'])}`, expr: fillArgoArgs(prometheus['query'], defaults) }];
    });
}

function dashboardQueries(file: string, dashboard: Json): PromQuery[] {
  const queries: PromQuery[] = [];
  const visit = (panels: unknown): void => {
    for (const panel of arrayOrEmpty(panels).filter(isObject)) {
      for (const target of arrayOrEmpty(panel['targets']).filter(isObject)) {
        if (typeof target['expr'] === 'string' && target['expr'].trim() !== '') {
          queries.push({
            file,
            where: `panel "${String(panel['title'] ?? panel['id'])}", query ${String(target['refId'] ?? '?')}`,
            expr: fillGrafanaVariables(target['expr']),
          });
        }
      }
      visit(panel['panels']);
    }
  };
  visit(dashboard['panels']);
  return queries;
}

/** Every rules file and query in the given artifacts. Files that do not parse are left to the YAML and JSON validators. */
export function prometheusSources(files: ReadonlyMap<string, string>): { ruleFiles: RuleFileSource[]; queries: PromQuery[] } {
  const ruleFiles: RuleFileSource[] = [];
  const queries: PromQuery[] = [];
  for (const [file, text] of files) {
    if (isGrafanaDashboard(file)) {
      try {
        const dashboard: unknown = JSON.parse(text);
        if (isObject(dashboard)) queries.push(...dashboardQueries(file, dashboard));
      } catch {
        // Not JSON: not a dashboard this check can read.
      }
      continue;
    }
    if (!/\.ya?ml$/.test(file)) continue;
    for (const document of parseAllDocuments(text)) {
      if (document.errors.length > 0) continue;
      const doc: unknown = document.toJSON();
      if (!isObject(doc)) continue;
      if (Array.isArray(doc['groups']) && doc['kind'] === undefined) ruleFiles.push(ruleFile(file, '', doc));
      else if (doc['kind'] === 'PrometheusRule' && isObject(doc['spec'])) {
        const name = isObject(doc['metadata']) ? String(doc['metadata']['name'] ?? '?') : '?';
        ruleFiles.push(ruleFile(file, `PrometheusRule ${name}, `, doc['spec']));
      } else if (doc['kind'] === 'AnalysisTemplate' || doc['kind'] === 'ClusterAnalysisTemplate') queries.push(...analysisQueries(file, doc));
    }
  }
  return { ruleFiles, queries };
}
