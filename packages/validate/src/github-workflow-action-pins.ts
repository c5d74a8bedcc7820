import { workflowJobs } from './github-workflow-jobs.js';
import { type Json, isObject, oneOrMany } from './json-shapes.js';

/** Majors below these are deprecated or retired (old Node runtimes, shut-down artifact and cache services). */
const MINIMUM_MAJOR: Readonly<Record<string, number>> = {
  'actions/checkout': 4,
  'actions/setup-node': 4,
  'actions/setup-python': 5,
  'actions/upload-artifact': 4,
  'actions/download-artifact': 4,
  'actions/cache': 3,
  'github/codeql-action': 3,
  'azure/login': 2,
};
const FIRST_PARTY_OWNERS = new Set(['actions', 'github']);
const BRANCH_REFS = new Set(['main', 'master', 'develop', 'dev', 'trunk', 'head', 'latest', 'nightly', 'edge']);
const FULL_SHA = /^[0-9a-f]{40}$/;

interface UsesRef {
  readonly where: string;
  readonly uses: string;
}

function usesRefs(doc: Json): UsesRef[] {
  const refs: UsesRef[] = [];
  for (const [jobId, job] of workflowJobs(doc)) {
    if (typeof job['uses'] === 'string') refs.push({ where: `jobs.${jobId}`, uses: job['uses'] });
    oneOrMany(job['steps']).forEach((step, index) => {
      if (isObject(step) && typeof step['uses'] === 'string') refs.push({ where: `jobs.${jobId}.steps[${index}]`, uses: step['uses'] });
    });
  }
  return refs;
}

/** The `# v1.2.3` comment after a SHA pin, read from the raw text (YAML parsing drops comments). */
function pinComment(text: string, uses: string): string | undefined {
  const line = text.split('\n').find((l) => l.includes(`uses: ${uses}`));
  return line?.match(/#\s*(v?\d[\w.-]*)/)?.[1];
}

/** Actions and reusable workflows pinned to an immutable release that is not deprecated. */
export function checkUses(text: string, doc: Json): string[] {
  const problems: string[] = [];
  for (const { where, uses } of usesRefs(doc)) {
    if (uses.startsWith('./')) continue;
    if (uses.startsWith('docker://')) {
      if (!/@sha256:[0-9a-f]{64}$/.test(uses) && (!/:[^/]+$/.test(uses) || uses.endsWith(':latest'))) {
        problems.push(`${where}: ${uses} is not pinned; use an exact tag or a digest`);
      }
      continue;
    }
    const at = uses.lastIndexOf('@');
    if (at < 0) {
      problems.push(`${where}: ${uses} has no version; pin it by the full commit SHA of a release, with a # vX.Y.Z comment`);
      continue;
    }
    const action = uses.slice(0, at);
    const ref = uses.slice(at + 1);
    const [owner = '', repo = ''] = action.toLowerCase().split('/');
    const key = `${owner}/${repo}`;
    if (BRANCH_REFS.has(ref.toLowerCase())) {
      problems.push(`${where}: ${uses} runs whatever is on the "${ref}" branch; pin a release (a full commit SHA with a # vX.Y.Z comment)`);
      continue;
    }
    const version = FULL_SHA.test(ref) ? pinComment(text, uses) : ref;
    const major = version?.match(/^v?(\d+)/)?.[1];
    const minimum = MINIMUM_MAJOR[key];
    if (minimum !== undefined && major !== undefined && Number(major) < minimum) {
      problems.push(`${where}: ${uses} is a deprecated major version of ${key}; use v${minimum} or later (the current major)`);
    }
    // Tags move (a compromised or retagged release runs in every workflow); only a commit SHA is immutable.
    if (!FULL_SHA.test(ref)) {
      const kind = FIRST_PARTY_OWNERS.has(owner) ? 'first-party' : 'third-party';
      problems.push(
        `${where}: ${kind} action ${uses} is not pinned by commit SHA; a tag can be moved, so use the full 40-hex SHA of the release with a # vX.Y.Z comment`,
      );
    } else if (version === undefined) {
      problems.push(`${where}: ${uses} is pinned by SHA without the release it is; add a # vX.Y.Z comment so it can be reviewed and bumped`);
    }
  }
  return problems;
}
