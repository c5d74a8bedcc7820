import { type Stage, locatedJobs, stepsOf } from './azure-pipelines-structure.js';
import { MIGRATION_URL, RUNS_MIGRATION } from './ci-scripts.js';
import { type Json, isObject, oneOrMany } from './json-shapes.js';

/** The database owner's URL reaches the migration step only: never a variable every step sees, nor another step. */
export function checkMigrationCredential(doc: Json, stages: readonly Stage[]): string[] {
  const problems: string[] = [];
  const inVariables = (node: Json): boolean => {
    const variables = node['variables'];
    if (isObject(variables)) return MIGRATION_URL in variables;
    return oneOrMany(variables).some((v) => isObject(v) && v['name'] === MIGRATION_URL);
  };
  if (inVariables(doc) || stages.some((s) => inVariables(s.node)))
    problems.push(`variables: ${MIGRATION_URL} (the database owner) is visible to every step; set it in the migration step's env only`);
  for (const { where, job } of locatedJobs(doc, stages)) {
    const name = String(job['job'] ?? job['deployment'] ?? '?');
    if (job !== doc && inVariables(job))
      problems.push(`${where}: job ${name} variables: ${MIGRATION_URL} (the database owner) is visible to every step; set it in the migration step's env only`);
    stepsOf(job).forEach((step, index) => {
      const env = step['env'];
      const script = String(step['script'] ?? step['bash'] ?? '');
      if (isObject(env) && MIGRATION_URL in env && !RUNS_MIGRATION.test(script)) {
        problems.push(
          `${where}: job ${name} step ${index} gets ${MIGRATION_URL} (the database owner) but does not run the migration; only the migration step may`,
        );
      }
    });
  }
  return problems;
}
