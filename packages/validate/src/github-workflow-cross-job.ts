import { runScripts } from './github-workflow-jobs.js';
import { type Json, isObject, oneOrMany } from './json-shapes.js';

// What one job reads from another: GITHUB_ENV does not cross jobs, and needs.<job> only for direct needs.

const GITHUB_ENV_WRITE = /\b([A-Za-z_][A-Za-z0-9_]*)=[^\n]*>>\s*"?\$\{?GITHUB_ENV\b/g;

/** Environment variables a job defines itself: job and step `env:`, and its own GITHUB_ENV writes. */
function definedIn(job: Json): Set<string> {
  const names = new Set<string>(isObject(job['env']) ? Object.keys(job['env']) : []);
  for (const step of oneOrMany(job['steps'])) if (isObject(step) && isObject(step['env'])) for (const name of Object.keys(step['env'])) names.add(name);
  for (const script of runScripts(job)) for (const match of script.matchAll(GITHUB_ENV_WRITE)) names.add(match[1]!);
  return names;
}

function reads(job: Json, name: string): boolean {
  const inExpressions = new RegExp(`\\benv\\.${name}\\b`).test(JSON.stringify(job));
  const inScripts = runScripts(job).some((script) => new RegExp(`\\$\\{?${name}\\b`).test(script));
  return inExpressions || inScripts;
}

/** GITHUB_ENV lasts for the rest of one job; a value another job reads from it is empty there (seed 000's IMAGE_TAG). */
export function checkCrossJobEnv(doc: Json, jobs: Array<[string, Json]>): string[] {
  const workflowEnv = new Set(isObject(doc['env']) ? Object.keys(doc['env']) : []);
  const writers = new Map<string, string[]>();
  for (const [jobId, job] of jobs) {
    for (const script of runScripts(job)) {
      for (const match of script.matchAll(GITHUB_ENV_WRITE)) writers.set(match[1]!, [...(writers.get(match[1]!) ?? []), jobId]);
    }
  }
  const problems: string[] = [];
  for (const [name, writerJobs] of writers) {
    for (const [jobId, job] of jobs) {
      if (writerJobs.includes(jobId) || workflowEnv.has(name) || definedIn(job).has(name) || !reads(job, name)) continue;
      problems.push(
        `jobs.${jobId} reads ${name}, which jobs.${writerJobs.join(', jobs.')} wrote to GITHUB_ENV; environment variables do not cross jobs, so pass it through job outputs (needs.<job>.outputs.${name})`,
      );
    }
  }
  return problems;
}

/** The needs context holds direct dependencies only: `needs.build` in a job that does not list build is empty. */
export function checkNeeds(jobs: Array<[string, Json]>): string[] {
  const problems: string[] = [];
  for (const [jobId, job] of jobs) {
    const needs = new Set(oneOrMany(job['needs']).map(String));
    const { needs: _declared, ...rest } = job;
    const used = new Set([...JSON.stringify(rest).matchAll(/\bneeds\.([A-Za-z_][A-Za-z0-9_-]*)/g)].map((m) => m[1]!));
    for (const name of used) {
      if (!needs.has(name)) problems.push(`jobs.${jobId} reads needs.${name} but does not list ${name} in needs:, so it is empty there`);
    }
  }
  return problems;
}
