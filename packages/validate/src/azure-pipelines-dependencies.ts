import { type Stage, isDeployment, jobsOf } from './azure-pipelines-structure.js';
import { type Json, oneOrMany } from './json-shapes.js';

/** Stages depend on stages that exist, deploy in file order, and read stageDependencies only of stages they depend on. */
export function checkStages(stages: readonly Stage[]): string[] {
  const problems: string[] = [];
  const names = new Set(stages.map((s) => s.name));
  for (const stage of stages) {
    for (const dependency of stage.dependsOn) {
      if (!names.has(dependency)) problems.push(`stage ${stage.name} depends on stage "${dependency}", which does not exist`);
    }
  }
  const ancestors = (stage: Stage, seen = new Set<string>()): Set<string> => {
    for (const dependency of stage.dependsOn) {
      if (seen.has(dependency)) continue;
      seen.add(dependency);
      const parent = stages.find((s) => s.name === dependency);
      if (parent) ancestors(parent, seen);
    }
    return seen;
  };
  // Deployments go out in file order: each deploying stage must wait for every stage above it.
  stages.forEach((stage, index) => {
    if (!jobsOf(stage.node).some(isDeployment)) return;
    const before = ancestors(stage);
    for (const earlier of stages.slice(0, index)) {
      if (!before.has(earlier.name))
        problems.push(`stage ${stage.name} deploys without depending on stage ${earlier.name} above it; deploy stages must run in order`);
    }
  });
  // stageDependencies.<Stage> only resolves for stages this one depends on directly.
  for (const stage of stages) {
    const text = JSON.stringify(stage.node);
    for (const [, referenced] of text.matchAll(/\bstageDependencies\.([A-Za-z0-9_]+)\./g)) {
      if (!stage.dependsOn.includes(referenced!)) {
        problems.push(`stage ${stage.name} reads stageDependencies.${referenced} but does not list ${referenced} in dependsOn, so the value is empty`);
      }
    }
  }
  return problems;
}

/** Deployment jobs name an environment, and jobs depend on jobs of their own stage. */
export function checkJobs(doc: Json, stages: readonly Stage[]): string[] {
  const problems: string[] = [];
  const containers: Array<{ where: string; node: Json }> =
    stages.length > 0 ? stages.map((s) => ({ where: `stage ${s.name}`, node: s.node })) : [{ where: 'pipeline', node: doc }];
  for (const { where, node } of containers) {
    const jobs = jobsOf(node);
    const names = new Set(jobs.map((j) => String(j['job'] ?? j['deployment'] ?? '')));
    for (const job of jobs) {
      const name = String(job['job'] ?? job['deployment'] ?? job['template'] ?? '?');
      if (isDeployment(job) && job['environment'] === undefined) {
        problems.push(`${where}: deployment job ${name} has no environment; approvals and checks live on the environment, so name one`);
      }
      for (const dependency of oneOrMany(job['dependsOn']).map(String)) {
        if (!names.has(dependency)) problems.push(`${where}: job ${name} depends on job "${dependency}", which does not exist in that stage`);
      }
    }
  }
  return problems;
}
