// Argo Rollouts: the rules its controller enforces, and Rollouts that match their AnalysisTemplates.
import { type Json, arrayOrEmpty, isObject } from './json-shapes.js';
import type { RenderedDocument } from './kubernetes-render.js';
import type { ValidationProblem } from './types.js';

/** How many fields an object sets: Argo Rollouts wants exactly one in a strategy, a canary step and a metric provider. */
const fieldsSet = (value: unknown): number => (isObject(value) ? Object.values(value).filter((v) => v !== undefined && v !== null).length : 0);

/**
 * The "one of" rules Argo Rollouts' controller enforces but its API types (so the
 * @kubernetes-models schemas) leave out: one strategy, one action per canary step, one provider
 * per metric, and a Prometheus provider that names its server and query.
 */
export function argoRolloutsProblems(doc: Json): string[] {
  const spec = isObject(doc['spec']) ? doc['spec'] : {};
  const problems: string[] = [];
  if (doc['kind'] === 'Rollout') {
    if (fieldsSet(spec['strategy']) !== 1) problems.push('spec.strategy must set exactly one of canary, blueGreen');
    const canary = isObject(spec['strategy']) ? spec['strategy']['canary'] : undefined;
    arrayOrEmpty(isObject(canary) ? canary['steps'] : undefined).forEach((step, index) => {
      if (fieldsSet(step) !== 1) problems.push(`spec.strategy.canary.steps[${index}] must hold exactly one action (setWeight, pause, analysis, ...)`);
    });
  }
  if (doc['kind'] === 'AnalysisTemplate') {
    arrayOrEmpty(spec['metrics'])
      .filter(isObject)
      .forEach((metric, index) => {
        if (fieldsSet(metric['provider']) !== 1) problems.push(`spec.metrics[${index}].provider must set exactly one provider`);
        const prometheus = isObject(metric['provider']) ? metric['provider']['prometheus'] : undefined;
        if (!isObject(prometheus)) return;
        for (const field of ['address', 'query'].filter((f) => typeof prometheus[f] !== 'string' || prometheus[f] === '')) {
          problems.push(`spec.metrics[${index}].provider.prometheus.${field} is required`);
        }
      });
  }
  return problems;
}

/** Rollouts name AnalysisTemplates that exist, and pass every argument those templates need. */
export function analysisProblems(documents: readonly RenderedDocument[]): ValidationProblem[] {
  const problems: ValidationProblem[] = [];
  const bySource = new Map<string, Json[]>();
  for (const { source, doc } of documents) bySource.set(source, [...(bySource.get(source) ?? []), doc]);
  for (const [source, docs] of bySource) {
    const templates = new Map<string, Json>();
    for (const doc of docs) {
      if (doc['kind'] === 'AnalysisTemplate' && isObject(doc['metadata'])) templates.set(String(doc['metadata']['name']), doc);
    }
    for (const [name, template] of templates) {
      const spec = isObject(template['spec']) ? template['spec'] : {};
      for (const metric of arrayOrEmpty(spec['metrics']).filter(isObject)) {
        const prometheus = isObject(metric['provider']) ? metric['provider']['prometheus'] : undefined;
        const conditions = `${String(metric['successCondition'] ?? '')} ${String(metric['failureCondition'] ?? '')}`;
        if (isObject(prometheus) && !/\bresult\b/.test(conditions)) {
          problems.push({ file: source, message: `AnalysisTemplate ${name}: metric ${String(metric['name'])} decides without looking at the query result` });
        }
        const declared = new Set(
          arrayOrEmpty(spec['args'])
            .filter(isObject)
            .map((a) => String(a['name'])),
        );
        const used = [...JSON.stringify(metric).matchAll(/\{\{\s*args\.([\w-]+)\s*\}\}/g)].map((m) => m[1]!);
        for (const arg of used.filter((a) => !declared.has(a))) {
          problems.push({
            file: source,
            message: `AnalysisTemplate ${name}: metric ${String(metric['name'])} uses {{args.${arg}}}, which spec.args does not declare`,
          });
        }
      }
    }
    for (const doc of docs.filter((d) => d['kind'] === 'Rollout')) {
      const strategy = isObject(doc['spec']) && isObject(doc['spec']['strategy']) ? doc['spec']['strategy'] : {};
      const analyses: Json[] = [];
      const collect = (value: unknown): void => {
        if (Array.isArray(value)) value.forEach(collect);
        else if (isObject(value)) {
          if (Array.isArray(value['templates'])) analyses.push(value);
          Object.values(value).forEach(collect);
        }
      };
      collect(strategy);
      for (const analysis of analyses) {
        const passed = new Set(
          arrayOrEmpty(analysis['args'])
            .filter(isObject)
            .map((a) => String(a['name'])),
        );
        for (const ref of arrayOrEmpty(analysis['templates']).filter(isObject)) {
          const template = templates.get(String(ref['templateName']));
          if (!template) {
            problems.push({ file: source, message: `Rollout: analysis template "${String(ref['templateName'])}" is not in the rendered output` });
            continue;
          }
          const args = isObject(template['spec']) ? arrayOrEmpty(template['spec']['args']).filter(isObject) : [];
          for (const arg of args.filter((a) => a['value'] === undefined && a['valueFrom'] === undefined)) {
            if (!passed.has(String(arg['name']))) {
              problems.push({
                file: source,
                message: `Rollout: analysis "${String(ref['templateName'])}" needs argument "${String(arg['name'])}", which the Rollout does not pass`,
              });
            }
          }
        }
      }
    }
  }
  return problems;
}
