import type { Tree } from '@nx/devkit';
import type { Detected, ProjectFacts } from './detect.js';

export interface ChecklistItem {
  readonly ok: boolean;
  readonly text: string;
  /** What brings the project to the standard layout when the item is not met. */
  readonly fix?: string;
}

const RETIRED_ACTION =
  /uses:\s*(actions\/(upload|download)-artifact@v[1-3]|actions\/(checkout|setup-node)@v[1-3]|github\/codeql-action\/[\w-]+@v[12]|azure\/login@v1)\b/;

function all(tree: Tree, found: readonly Detected[], kind: Detected['kind']): string {
  return found
    .filter((d) => d.kind === kind)
    .map((d) => tree.read(d.path, 'utf-8') ?? '')
    .join('\n');
}

/** How the project compares with what Slipway generates, item by item, with the command that closes each gap. */
export function checklist(tree: Tree, project: string, facts: ProjectFacts): ChecklistItem[] {
  const has = (kind: Detected['kind']) => facts.detected.some((d) => d.kind === kind);
  const deps = { ...facts.packageJson?.dependencies, ...facts.packageJson?.devDependencies };
  const dockerfile = all(tree, facts.detected, 'dockerfile');
  const compose = all(tree, facts.detected, 'compose');
  const workflows = all(tree, facts.detected, 'github-workflow');
  const k8s = all(tree, facts.detected, 'kubernetes');
  const items: ChecklistItem[] = [
    {
      ok: Boolean(facts.packageJson?.scripts?.['build'] && facts.packageJson.scripts['start']),
      text: 'package.json has "build" and "start" scripts',
      fix: 'add them: the deployment generators build and start the service with them',
    },
    {
      ok: !deps['@modelcontextprotocol/sdk'],
      text: 'uses the MCP SDK v2 (not @modelcontextprotocol/sdk v1)',
      fix: 'nx migrate runs the mcp-sdk-v1-to-v2 migration; or npx @modelcontextprotocol/codemod v1-to-v2',
    },
    {
      ok: /\/healthz/.test(facts.sources) && /\/readyz/.test(facts.sources),
      text: 'serves liveness (/healthz) and readiness (/readyz) endpoints',
      fix: 'use startHttpService from @slipway/mcp-runtime, or add both endpoints',
    },
    { ok: has('dockerfile'), text: 'has a Dockerfile', fix: `nx g @slipway/nx:docker ${project}` },
  ];
  if (has('dockerfile')) {
    items.push(
      {
        ok: /^FROM\s+\S+@sha256:/m.test(dockerfile),
        text: 'Dockerfile pins its base image by digest',
        fix: `compare with nx g @slipway/nx:docker ${project} --dry-run`,
      },
      { ok: /^USER\s+(?!root\b|0\b)\S+/m.test(dockerfile), text: 'Dockerfile runs as a non-root user' },
      { ok: /^HEALTHCHECK\s/m.test(dockerfile) && !/HEALTHCHECK[^\n]*curl/.test(dockerfile), text: 'Dockerfile has a HEALTHCHECK that needs no curl' },
    );
  }
  items.push({ ok: has('compose'), text: 'has compose files for local development', fix: `nx g @slipway/nx:compose ${project}` });
  if (has('compose')) {
    items.push({ ok: !/^version\s*:/m.test(compose), text: 'compose files have no obsolete version: key', fix: 'nx migrate runs compose-version-key' });
  }
  items.push({ ok: has('github-workflow') || has('azure-pipelines'), text: 'has a CI/CD pipeline', fix: `nx g @slipway/nx:github-actions ${project}` });
  if (has('github-workflow')) {
    items.push({ ok: !RETIRED_ACTION.test(workflows), text: 'workflows use no retired actions', fix: 'nx migrate runs retired-github-actions' });
  }
  items.push({
    ok: has('kubernetes') || has('azure-bicep'),
    text: 'has deployment manifests (Kubernetes or Azure)',
    fix: `nx g @slipway/nx:k8s ${project} or nx g @slipway/nx:azure ${project}`,
  });
  if (has('kubernetes')) {
    items.push({ ok: !/^kind:\s*SecurityContext\b/m.test(k8s) && /securityContext:/.test(k8s), text: 'Kubernetes pods set a securityContext' });
  }
  return items;
}
