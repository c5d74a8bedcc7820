import { logger, type Tree } from '@nx/devkit';
import { isMap, type ParsedNode } from 'yaml';
import { githubActions, githubActionUpgrades } from '../versions.js';
import {
  applySplices,
  lineEnd,
  lineStart,
  mapEntries,
  mapGet,
  mapPair,
  parseYamlOrSkip,
  removePair,
  replaceScalar,
  seqItems,
  type Splice,
} from '../yaml-edits.js';

/** Retired majors → the ref to use now: a supported release, pinned by commit SHA like every action Slipway writes. */
const RETIRED: ReadonlyArray<{ readonly action: RegExp; readonly retired: RegExp; readonly replacement: string }> = [
  { action: /^actions\/upload-artifact$/, retired: /^v[1-3]$/, replacement: githubActionUpgrades.uploadArtifact },
  { action: /^actions\/download-artifact$/, retired: /^v[1-3]$/, replacement: githubActionUpgrades.downloadArtifact },
  { action: /^actions\/cache$/, retired: /^v[1-3]$/, replacement: githubActionUpgrades.cache },
  { action: /^actions\/checkout$/, retired: /^v[1-3]$/, replacement: githubActions.checkout },
  { action: /^actions\/setup-node$/, retired: /^v[1-3]$/, replacement: githubActions.setupNode },
  { action: /^actions\/setup-python$/, retired: /^v[1-4]$/, replacement: githubActionUpgrades.setupPython },
  { action: /^github\/codeql-action\/[\w-]+$/, retired: /^v[1-2]$/, replacement: githubActionUpgrades.codeqlAction },
  { action: /^azure\/login$/, retired: /^v1$/, replacement: githubActions.azureLogin },
];

const OIDC_INPUTS = [
  'client-id: ${{ secrets.AZURE_CLIENT_ID }}',
  'tenant-id: ${{ secrets.AZURE_TENANT_ID }}',
  'subscription-id: ${{ secrets.AZURE_SUBSCRIPTION_ID }}',
];

function replacementFor(uses: string): string | undefined {
  const [action, ref] = uses.split('@') as [string, string | undefined];
  if (!ref) return undefined;
  const rule = RETIRED.find((r) => r.action.test(action) && r.retired.test(ref));
  return rule?.replacement.replace('$SUB', action.split('/')[2] ?? '');
}

function indentOf(source: string, offset: number): string {
  return source.slice(lineStart(source, offset), offset);
}

/** `azure/login` with a long-lived `creds` secret → OIDC federated login, and the job may mint an ID token. */
function oidcLogin(source: string, job: ParsedNode, step: ParsedNode): Splice[] {
  const withBlock = mapGet(step, 'with');
  const creds = mapPair(withBlock, 'creds');
  if (!creds) return [];
  const indent = indentOf(source, creds.key.range[0]);
  const splices: Splice[] = [{ ...removePair(source, creds), text: OIDC_INPUTS.map((l) => `${indent}${l}\n`).join('') }];
  const permissions = mapPair(job, 'permissions');
  if (!permissions) {
    const runsOn = mapPair(job, 'runs-on');
    const anchor = runsOn ?? (isMap(job) ? job.items[0] : undefined);
    if (anchor) {
      const jobIndent = indentOf(source, anchor.key.range[0]);
      const at = lineStart(source, anchor.key.range[0]);
      splices.push({ start: at, end: at, text: `${jobIndent}permissions:\n${jobIndent}  contents: read\n${jobIndent}  id-token: write\n` });
    }
  } else if (!mapPair(permissions.value, 'id-token') && isMap(permissions.value)) {
    const first = permissions.value.items[0] as { key: ParsedNode } | undefined;
    if (first) {
      const at = lineStart(source, first.key.range[0]);
      splices.push({ start: at, end: at, text: `${indentOf(source, first.key.range[0])}id-token: write\n` });
    }
  }
  return splices;
}

/**
 * Moves retired GitHub Actions to their current form in .github/workflows: newer majors, and
 * azure/login with a credentials secret to OIDC. Every other step is left exactly as it is.
 */
export default function bumpRetiredGithubActions(tree: Tree): string[] {
  const dir = '.github/workflows';
  const notes: string[] = [];
  for (const name of tree.exists(dir) ? tree.children(dir) : []) {
    if (!/\.ya?ml$/.test(name)) continue;
    const path = `${dir}/${name}`;
    const source = tree.read(path, 'utf-8')!;
    const doc = parseYamlOrSkip(source, path);
    if (!doc) continue;
    const splices: Splice[] = [];
    for (const [jobName, job] of mapEntries(mapGet(doc.contents, 'jobs'))) {
      for (const step of seqItems(mapGet(job, 'steps'))) {
        const usesNode = mapGet(step, 'uses');
        const uses = usesNode && 'value' in usesNode ? String(usesNode.value) : undefined;
        const replacement = uses ? replacementFor(uses) : undefined;
        if (!usesNode || !uses || !replacement) continue;
        // The `# vX.Y.Z` comment only where it ends the line: inside a flow map it would swallow the `}`.
        const end = usesNode.range[1];
        const lineRest = source.slice(end, lineEnd(source, end)).trim();
        splices.push(replaceScalar(usesNode, lineRest === '' ? replacement : replacement.split(' #')[0]!));
        notes.push(`${path} (${jobName}): ${uses} → ${replacement.split(' #')[0]}`);
        if (uses.startsWith('azure/login@')) {
          const oidc = oidcLogin(source, job, step);
          splices.push(...oidc);
          if (oidc.length > 0) {
            notes.push(
              `${path} (${jobName}): azure/login now uses OIDC; create a federated credential for this repository in Entra ID and set the AZURE_CLIENT_ID, AZURE_TENANT_ID and AZURE_SUBSCRIPTION_ID secrets, then delete the old credentials secret.`,
            );
          }
        }
      }
    }
    if (splices.length > 0) tree.write(path, applySplices(source, splices));
  }
  for (const note of notes) logger.info(note);
  return notes;
}
