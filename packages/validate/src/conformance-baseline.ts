import { isMap, isScalar, isSeq, parseDocument } from 'yaml';
import { conformanceScenarios } from './conformance-scenarios.js';
import { eachFile } from './each-file.js';
import type { ArtifactValidator } from './types.js';

const isBaseline = (path: string): boolean => path === 'conformance-baseline.yml' || path.endsWith('/conformance-baseline.yml');
const RUN = new Set(conformanceScenarios.map((run) => run.scenario));

/**
 * The expected-failures baseline that `slipway-conformance` passes to the suite, checked by the
 * suite's rules (its README, "Expected Failures"), plus one of ours: an entry must name a scenario
 * the runner runs. The suite judges a baseline one scenario at a time, so it never reports an entry
 * for a scenario that does not run: such an entry would excuse nothing, silently.
 */
export function baselineProblems(text: string): string[] {
  const doc = parseDocument(text);
  if (doc.errors.length > 0) return doc.errors.map((error) => `not valid YAML: ${error.message}`);
  const root = doc.contents;
  if (root === null || (isScalar(root) && root.value === null)) return [];
  if (!isMap(root)) return ['must be a mapping with a `server:` list, e.g. `server: []`'];
  const problems: string[] = [];
  for (const pair of root.items) {
    const key = isScalar(pair.key) ? String(pair.key.value) : '';
    if (key !== 'server' && key !== 'client') problems.push(`unknown key "${key}": the suite reads \`server:\` (and \`client:\`) lists only`);
  }
  const server = root.get('server', true);
  if (server === undefined || (isScalar(server) && server.value === null)) return problems;
  if (!isSeq(server)) return [...problems, '`server` must be a list of `<scenario>` or `<scenario>:<check-id>` entries'];

  const wholesale = new Set<string>();
  const perCheck = new Set<string>();
  const seen = new Set<string>();
  for (const item of server.items) {
    if (isMap(item)) {
      const entry = item.items.map((p) => `${isScalar(p.key) ? String(p.key.value) : '?'}: ${isScalar(p.value) ? String(p.value.value) : '?'}`).join(', ');
      problems.push(`entry "${entry}" is a mapping: write it without the space, as \`- ${entry.replace(': ', ':')}\``);
      continue;
    }
    if (!isScalar(item) || typeof item.value !== 'string' || item.value.trim() === '') {
      problems.push('every entry must be a `<scenario>` or `<scenario>:<check-id>` string');
      continue;
    }
    const entry = item.value.trim();
    if (seen.has(entry)) problems.push(`entry "${entry}" is listed twice`);
    seen.add(entry);
    const [scenario, check] = entry.split(/:(.*)/s, 2) as [string, string | undefined];
    if (!RUN.has(scenario)) {
      problems.push(
        `entry "${entry}": slipway-conformance does not run the scenario "${scenario}", so the entry excuses nothing; it runs ${[...RUN].join(', ')}`,
      );
    }
    (check === undefined ? wholesale : perCheck).add(scenario);
  }
  for (const scenario of wholesale) {
    if (perCheck.has(scenario))
      problems.push(`scenario "${scenario}" is listed whole and by check: the suite rejects the pair; keep the checks (they still enforce the rest)`);
  }
  return problems;
}

export const conformanceBaselineValidator: ArtifactValidator = {
  name: 'conformance baseline',
  appliesTo: isBaseline,
  validate: eachFile(isBaseline, (_file, text) => baselineProblems(text)),
};
