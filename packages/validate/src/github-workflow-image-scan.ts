import { PUSHES_IMAGE } from './ci-scripts.js';
import { type Json, isObject, oneOrMany } from './json-shapes.js';

/** A step that publishes an image: build-push-action with `push` on, or a push in a script. */
function pushesImage(step: Json): boolean {
  if (typeof step['uses'] === 'string' && /^docker\/build-push-action@/i.test(step['uses'])) {
    const push = isObject(step['with']) ? step['with']['push'] : undefined;
    return push !== undefined && String(push) !== 'false';
  }
  return typeof step['run'] === 'string' && PUSHES_IMAGE.test(step['run']);
}

/** A step that fails the job on image vulnerabilities (Trivy's exit code defaults to 0: report only). */
function gatesOnImageScan(step: Json): boolean {
  if (step['continue-on-error'] !== undefined && String(step['continue-on-error']) !== 'false') return false;
  if (typeof step['uses'] === 'string' && /^aquasecurity\/trivy-action@/i.test(step['uses'])) {
    const inputs = isObject(step['with']) ? step['with'] : {};
    return String(inputs['scan-type'] ?? 'image') === 'image' && String(inputs['exit-code'] ?? '0') !== '0';
  }
  return typeof step['run'] === 'string' && /\btrivy\s+image\b.*--exit-code[\s=]+[1-9]/.test(step['run']);
}

/** An image reaches the registry (and whoever pulls from it) only after a scan in the same job has passed. */
export function checkScanBeforePush(jobs: Array<[string, Json]>): string[] {
  const problems: string[] = [];
  for (const [jobId, job] of jobs) {
    let scanned = false;
    oneOrMany(job['steps']).forEach((step, index) => {
      if (!isObject(step)) return;
      if (gatesOnImageScan(step)) scanned = true;
      else if (!scanned && pushesImage(step)) {
        problems.push(
          `jobs.${jobId}.steps[${index}] pushes the image before a vulnerability scan gates it; build it locally (load: true, push: false), scan it (Trivy, severity HIGH,CRITICAL, exit-code: 1), then push`,
        );
      }
    });
  }
  return problems;
}
