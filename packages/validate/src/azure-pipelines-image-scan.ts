import { type Stage, locatedJobs, stepsOf } from './azure-pipelines-structure.js';
import { PUSHES_IMAGE } from './ci-scripts.js';
import { type Json, isObject } from './json-shapes.js';

/** A step that publishes an image: Docker@2 push or buildAndPush, or a push in a script. */
function pushesImage(step: Json): boolean {
  if (/^Docker@\d+$/i.test(String(step['task'] ?? ''))) {
    const command = isObject(step['inputs']) ? String(step['inputs']['command'] ?? 'buildAndPush') : 'buildAndPush';
    return /^(push|buildAndPush)$/i.test(command);
  }
  const script = step['script'] ?? step['bash'];
  return typeof script === 'string' && PUSHES_IMAGE.test(script);
}

/** A script that fails the job on image vulnerabilities: `trivy image --exit-code 1` (the CLI or its container). */
function gatesOnImageScan(step: Json): boolean {
  const script = step['script'] ?? step['bash'];
  if (String(step['continueOnError'] ?? 'false') !== 'false') return false;
  return typeof script === 'string' && /\btrivy\b.*\simage\s.*--exit-code[\s=]+[1-9]/.test(script.replace(/\\\n/g, ' '));
}

/** An image reaches the registry only after a scan earlier in the same job has passed. */
export function checkScanBeforePush(doc: Json, stages: readonly Stage[]): string[] {
  const problems: string[] = [];
  for (const { where, job } of locatedJobs(doc, stages)) {
    const name = String(job['job'] ?? job['deployment'] ?? '?');
    let scanned = false;
    stepsOf(job).forEach((step, index) => {
      if (gatesOnImageScan(step)) scanned = true;
      else if (!scanned && pushesImage(step)) {
        problems.push(
          `${where}: job ${name} step ${index} pushes the image before a vulnerability scan gates it; build it (Docker@2 command: build), scan it (trivy image --severity HIGH,CRITICAL --exit-code 1), then push (command: push)`,
        );
      }
    });
  }
  return problems;
}
