/**
 * The one list of Slipway's generators. generators.json, the re-rendering registry, the validators'
 * layer map (@slipway/validate), new-mcp-service's `--deploy` list and the package's exports are all
 * derived from it, or checked against it by a spec. Data only: @slipway/validate imports it through
 * the `@slipway/nx/generator-table` export, and the core must not load generator code to read it.
 */
export interface GeneratorRow {
  /** `nx g @slipway/nx:<name>`; also the folder under generators/ and the key of team defaults. */
  readonly name: string;
  readonly description: string;
  readonly aliases?: readonly string[];
  /** Left out of `nx list`: run for the user by create-slipway, create-nx-workspace or `nx add`. */
  readonly hidden?: boolean;
  /** create-nx-workspace's standalone layout (the preset only). */
  readonly standaloneLayout?: boolean;
  /**
   * What its answers record holds: `files` (re-rendered by update and the drift check, checked by
   * the validators of `layer`), `facts` (a record and no files) or nothing.
   */
  readonly records: 'files' | 'facts' | 'nothing';
  /** Template layer whose validators check the generated files (packages/validate). */
  readonly layer?: string;
  /** A deployment target new-mcp-service can compose (`--deploy`); `default`: composed when --deploy is not given. */
  readonly deploy?: { readonly default: boolean };
  /** false: the generator runs before a team layer can exist (`nx add`), so it reads no defaults.json. */
  readonly teamDefaults?: false;
}

export const generatorTable = [
  {
    name: 'new-mcp-service',
    description: 'Create a production-ready TypeScript MCP service (SDK v2, health, metrics, logs, PGlite/PostgreSQL).',
    aliases: ['service'],
    records: 'files',
    layer: 'server',
  },
  {
    name: 'update',
    description: 'Bring generated files up to the installed Slipway with a three-way merge that keeps your edits.',
    records: 'nothing',
  },
  {
    name: 'adopt',
    description: 'Bring an existing Node project under Slipway: record what it has, change nothing, list the gaps.',
    records: 'facts',
  },
  {
    name: 'docker',
    description:
      'Add a multi-stage Dockerfile (pinned Node LTS slim base, npm ci from the lockfile, non-root, tini, HEALTHCHECK) and the workspace .dockerignore.',
    records: 'files',
    layer: 'docker',
    deploy: { default: true },
  },
  {
    name: 'compose',
    description: 'Add compose.yaml (PostgreSQL with pgvector, optional Redis), a hardened compose.prod.yaml and an optional Prometheus + Grafana overlay.',
    records: 'files',
    layer: 'compose',
    deploy: { default: true },
  },
  {
    name: 'k8s',
    description:
      'Kubernetes manifests: kustomize base and dev/staging/prod overlays, hardened pods, optional Argo Rollouts canary/blue-green gated on Prometheus.',
    records: 'files',
    layer: 'k8s',
    deploy: { default: false },
  },
  {
    name: 'azure',
    description:
      'Azure Container Apps infrastructure in Bicep (registry, identity, Key Vault, VNet, PostgreSQL with pgvector), parameters per environment, and azure.yaml for azd.',
    records: 'files',
    layer: 'azure',
    deploy: { default: false },
  },
  {
    name: 'github-actions',
    description:
      'Workspace CI workflow (nx affected, dependency/image/secret scans) and a per-service delivery workflow: build, scan and push the image, then blue-green deploys to Azure Container Apps over OIDC with a smoke test.',
    records: 'files',
    layer: 'github',
    deploy: { default: false },
  },
  {
    name: 'azure-pipelines',
    description:
      'Azure Pipelines for a service: build and test, image, then deployment jobs per environment through a workload identity service connection, with the same smoke test.',
    records: 'files',
    layer: 'azure-pipelines',
    deploy: { default: false },
  },
  {
    name: 'preset',
    description: 'Create a Slipway platform workspace (run by create-slipway and by create-nx-workspace --preset=@slipway/nx).',
    hidden: true,
    standaloneLayout: true,
    records: 'nothing',
  },
  {
    name: 'init',
    description: 'Set up Slipway in an Nx workspace (run by `nx add @slipway/nx`).',
    hidden: true,
    records: 'nothing',
    teamDefaults: false,
  },
  {
    name: 'sync',
    description:
      "An Nx sync generator (nx sync, nx sync:check): brings every Slipway project's managed files up to the installed templates with the three-way update, keeping your edits, targets and deletions.",
    hidden: true,
    records: 'nothing',
  },
] as const satisfies readonly GeneratorRow[];

export type GeneratorName = (typeof generatorTable)[number]['name'];

/** The table with each row's optional fields visible. */
const rows: readonly GeneratorRow[] = generatorTable;

/** Whether a team layer's defaults.json applies to the generator's options. */
export function readsTeamDefaults(name: string): boolean {
  return rows.find((row) => row.name === name)?.teamDefaults !== false;
}

/** `docker` → `@slipway/nx:docker`: how answers records and error messages name a generator. */
export function generatorKey(name: string): string {
  return `@slipway/nx:${name}`;
}

type DeployRow = Extract<(typeof generatorTable)[number], { deploy: object }>;
export type DeployTargetName = DeployRow['name'];

function isDeployRow(row: (typeof generatorTable)[number]): row is DeployRow {
  return 'deploy' in row;
}

/** The generators new-mcp-service can compose, in the order they run. */
export const deployTargetNames: readonly DeployTargetName[] = generatorTable.filter(isDeployRow).map((row) => row.name);

/** What `--deploy` means when not given. */
export const defaultDeployTargetNames: readonly DeployTargetName[] = generatorTable
  .filter(isDeployRow)
  .filter((row) => row.deploy.default)
  .map((row) => row.name);

/** The validators' layer of each generator whose output is checked, by answers-record key. */
export const layerOfGenerator: Readonly<Record<string, string>> = Object.fromEntries(
  rows.flatMap((row) => (row.layer ? [[generatorKey(row.name), row.layer]] : [])),
);

/** Answers-record keys of the generators that record something, by what they record. */
export function recordingGenerators(records: 'files' | 'facts'): string[] {
  return rows.filter((row) => row.records === records).map((row) => generatorKey(row.name));
}

/** generators.json as Nx reads it: factories and schemas are the compiled files under dist/. */
export function generatorsManifest(version: string) {
  return {
    $schema: 'https://json-schema.org/schema',
    name: '@slipway/nx',
    version,
    generators: Object.fromEntries(
      rows.map((row) => [
        row.name,
        {
          factory: `./dist/generators/${row.name}/generator.js`,
          schema: `./dist/generators/${row.name}/schema.json`,
          ...(row.aliases ? { aliases: [...row.aliases] } : {}),
          description: row.description,
          ...(row.standaloneLayout ? { 'x-use-standalone-layout': true } : {}),
          ...(row.hidden ? { hidden: true } : {}),
        },
      ]),
    ),
  };
}
