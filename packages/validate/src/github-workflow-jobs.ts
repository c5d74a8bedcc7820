import { type Json, isObject, oneOrMany } from './json-shapes.js';

/** A workflow's jobs by id (entries that are not mappings left out). */
export function workflowJobs(doc: Json): Array<[string, Json]> {
  return Object.entries(isObject(doc['jobs']) ? doc['jobs'] : {}).filter((entry): entry is [string, Json] => isObject(entry[1]));
}

/** The `run:` scripts of a job's steps. */
export function runScripts(job: Json): string[] {
  return oneOrMany(job['steps']).flatMap((step) => (isObject(step) && typeof step['run'] === 'string' ? [step['run']] : []));
}
