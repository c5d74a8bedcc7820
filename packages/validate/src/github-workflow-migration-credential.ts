import { MIGRATION_URL, RUNS_MIGRATION } from './ci-scripts.js';
import { type Json, isObject, oneOrMany } from './json-shapes.js';

/** The database owner's URL reaches the migration step only: not the workflow, a whole job, or another step. */
export function checkMigrationCredential(doc: Json, jobs: Array<[string, Json]>): string[] {
  const problems: string[] = [];
  const sets = (env: unknown): boolean => isObject(env) && MIGRATION_URL in env;
  if (sets(doc['env'])) problems.push(`env sets ${MIGRATION_URL} (the database owner) for every job; set it on the migration step only`);
  for (const [id, job] of jobs) {
    if (sets(job['env']))
      problems.push(`jobs.${id}.env sets ${MIGRATION_URL} (the database owner) for every step, tests included; set it on the migration step only`);
    oneOrMany(job['steps'])
      .filter(isObject)
      .forEach((step, index) => {
        if (sets(step['env']) && !RUNS_MIGRATION.test(String(step['run'] ?? ''))) {
          problems.push(`jobs.${id}.steps[${index}] gets ${MIGRATION_URL} (the database owner) but does not run the migration; only the migration step may`);
        }
      });
  }
  return problems;
}
