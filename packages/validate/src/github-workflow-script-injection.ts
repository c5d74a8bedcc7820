import { runScripts } from './github-workflow-jobs.js';
import type { Json } from './json-shapes.js';

// Attacker-controlled event fields: interpolated into a script they become code (script injection).
const UNTRUSTED =
  /\$\{\{[^}]*\b(github\.event\.(issue|pull_request|comment|review|review_comment|discussion|pages|commits|head_commit)\b[^}]*|github\.head_ref)[^}]*\}\}/;

/** No attacker-controlled event field is interpolated into a `run:` script. */
export function checkScriptInjection(jobs: Array<[string, Json]>): string[] {
  const problems: string[] = [];
  for (const [jobId, job] of jobs) {
    for (const script of runScripts(job)) {
      const match = script.match(UNTRUSTED);
      if (match) problems.push(`jobs.${jobId}: ${match[0]} is interpolated into a script (script injection); pass it through env: and use "$VAR"`);
    }
  }
  return problems;
}
