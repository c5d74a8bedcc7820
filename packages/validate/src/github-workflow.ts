import { parse } from 'yaml';
import { checkUses } from './github-workflow-action-pins.js';
import { checkCrossJobEnv, checkNeeds } from './github-workflow-cross-job.js';
import { checkScanBeforePush } from './github-workflow-image-scan.js';
import { workflowJobs } from './github-workflow-jobs.js';
import { checkMigrationCredential } from './github-workflow-migration-credential.js';
import { parserErrors } from './github-workflow-parser.js';
import { checkPermissions } from './github-workflow-permissions.js';
import { checkScriptInjection } from './github-workflow-script-injection.js';
import { isObject } from './json-shapes.js';
import { isGithubWorkflow } from './shell.js';
import type { ArtifactValidator } from './types.js';
import { eachFile } from './each-file.js';

// Policy: what GitHub accepts but Slipway does not generate (the seeds' defects among them).

/** Slipway's policy checks on one workflow; empty when it complies. */
export function workflowPolicyProblems(text: string): string[] {
  let doc: unknown;
  try {
    doc = parse(text);
  } catch {
    return []; // The parser reports the syntax error.
  }
  if (!isObject(doc)) return [];
  const jobs = workflowJobs(doc);
  return [
    ...checkUses(text, doc),
    ...checkPermissions(doc, jobs),
    ...checkCrossJobEnv(doc, jobs),
    ...checkNeeds(jobs),
    ...checkScriptInjection(jobs),
    ...checkScanBeforePush(jobs),
    ...checkMigrationCredential(doc, jobs),
  ];
}

/** GitHub Actions workflows: GitHub's own parser (@actions/workflow-parser), then Slipway's policy. */
export const githubWorkflowValidator: ArtifactValidator = {
  name: 'GitHub workflow (@actions/workflow-parser + policy)',
  appliesTo: isGithubWorkflow,
  validate: eachFile(isGithubWorkflow, async (file, text) => [...(await parserErrors(file, text)), ...workflowPolicyProblems(text)]),
};
