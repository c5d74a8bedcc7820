import { type Json, isObject, oneOrMany } from './json-shapes.js';

// The pipeline's stages, jobs and steps, as the policy checks walk them.

export interface Stage {
  readonly name: string;
  readonly dependsOn: readonly string[];
  readonly node: Json;
}

export function stagesOf(doc: Json): Stage[] {
  const stages = oneOrMany(doc['stages'])
    .filter(isObject)
    .filter((s) => typeof s['stage'] === 'string');
  return stages.map((node, index) => ({
    name: String(node['stage']),
    // Without dependsOn a stage depends on the one before it; `dependsOn: []` makes it independent.
    dependsOn: node['dependsOn'] === undefined ? (index > 0 ? [String(stages[index - 1]!['stage'])] : []) : oneOrMany(node['dependsOn']).map(String),
    node,
  }));
}

export function jobsOf(node: Json): Json[] {
  return oneOrMany(node['jobs']).filter(isObject);
}

export const isDeployment = (job: Json): boolean => typeof job['deployment'] === 'string';

/** A job's steps, a deployment job's included (they sit under its strategy's lifecycle hooks). */
export function stepsOf(job: Json): Json[] {
  const nested: unknown[] = [];
  const visit = (node: unknown): void => {
    if (!isObject(node)) return;
    for (const [key, value] of Object.entries(node)) {
      if (key === 'steps') nested.push(...oneOrMany(value));
      else visit(value);
    }
  };
  visit(job['strategy']);
  return [...oneOrMany(job['steps']), ...nested].filter(isObject);
}

/** Every job with where it sits (`stage Build`, `pipeline`); a pipeline of bare steps is one job. */
export function locatedJobs(doc: Json, stages: readonly Stage[]): Array<{ where: string; job: Json }> {
  const jobs =
    stages.length > 0
      ? stages.flatMap((s) => jobsOf(s.node).map((job) => ({ where: `stage ${s.name}`, job })))
      : jobsOf(doc).map((job) => ({ where: 'pipeline', job }));
  if (jobs.length === 0) jobs.push({ where: 'pipeline', job: doc });
  return jobs;
}
