import { slipwayVersion } from './package-paths.js';

/**
 * The one place that pins what generated projects depend on. The repo's own package.json
 * installs the same versions (versions.spec.ts checks it), so what we test is what we ship.
 */
export const versions = {
  '@slipway/mcp-runtime': slipwayVersion,
  '@slipway/nx': slipwayVersion,
  // The validators behind the inferred `validate` target (slipway-validate); released with the plugin.
  '@slipway/validate': slipwayVersion,
  // The Nx a new workspace gets (create-slipway): the one this repo builds and tests with.
  nx: '24.0.6',
  '@modelcontextprotocol/server': '2.4.0',
  '@modelcontextprotocol/node': '2.1.2',
  '@modelcontextprotocol/client': '2.4.0',
  '@modelcontextprotocol/inspector': '2.12.0',
  // The MCP conformance suite the generated `conformance` target runs (slipway-conformance, Node >= 22);
  // tools/node-lts pins the same. The add-conformance migration moves older services' targets to it.
  '@modelcontextprotocol/conformance': '0.2.0-alpha.12',
  '@electric-sql/pglite': '0.5.14',
  '@electric-sql/pglite-pgvector': '0.0.15',
  pg: '8.23.1',
  // The real PostgreSQL parser (WebAssembly): the retail preset's read-only SQL guard.
  'libpg-query': '18.1.5',
  // Property-based tests of that guard (a devDependency of retail services).
  'fast-check': '4.11.0',
  zod: '4.6.7',
  typescript: '5.9.3',
  vitest: '4.1.12',
  tsx: '4.23.15',
  '@types/node': '20.19.43',
  '@types/pg': '8.15.6',
  // The generated services' lint target (eslint.config.mjs): ESLint with typescript-eslint's type-aware rules.
  eslint: '10.15.0',
  '@eslint/js': '10.0.1',
  'typescript-eslint': '8.74.0',
} as const;

export type VersionedPackage = keyof typeof versions;

/** Node versions generated services support; matches the runtime's engines field. */
export const nodeEngine = '>=20.19';

/** Picks the pinned versions of the named packages, as a package.json dependency block. */
export function withVersions(packages: readonly VersionedPackage[]): Record<string, string> {
  return Object.fromEntries([...packages].sort().map((name) => [name, versions[name]]));
}

/**
 * GitHub Actions used by the github-actions generator. Every action, first-party (actions/*, github/*)
 * included, is pinned to the full commit SHA of a release tag, with the tag in a trailing comment: a
 * tag can be moved, a SHA cannot (each SHA checked against the action's repository tags). Bump an
 * entry's SHA and comment together.
 */
export const githubActions = {
  checkout: 'actions/checkout@3d3c42e5aac5ba805825da76410c181273ba90b1 # v7.0.1',
  setupNode: 'actions/setup-node@820762786026740c76f36085b0efc47a31fe5020 # v7.0.0',
  uploadSarif: 'github/codeql-action/upload-sarif@8aad20d150bbac5944a9f9d289da16a4b0d87c1e # v4.36.2',
  azureLogin: 'azure/login@f5d393ae46f8fde4be8b75f32e3fc50e654ad0ca # v3.0.1',
  nxSetShas: 'nrwl/nx-set-shas@afb73a62d26e41464e9254689e1fd6122ee683c1 # v5.0.1',
  setupBuildx: 'docker/setup-buildx-action@37fe631027851001ddb9b187196cc803df7f5f0e # v4.3.0',
  dockerLogin: 'docker/login-action@4907a6ddec9925e35a0a9e82d7399ccc52663121 # v4.1.0',
  dockerMetadata: 'docker/metadata-action@dc802804100637a589fabce1cb79ff13a1411302 # v6.2.0',
  buildPush: 'docker/build-push-action@53b7df96c91f9c12dcc8a07bcb9ccacbed38856a # v7.3.0',
  trivy: 'aquasecurity/trivy-action@ed142fd0673e97e23eac54620cfb913e5ce36c25 # v0.36.0',
  trufflehog: 'trufflesecurity/trufflehog@bcfcf73aaf4759d4dadc2783177c245a02792318 # v3.97.0',
} as const;

/**
 * First-party actions the retired-github-actions migration moves workflows to, pinned like the
 * entries above (the generators do not use them). Codeql-action is one release for all its sub-actions.
 */
export const githubActionUpgrades = {
  uploadArtifact: 'actions/upload-artifact@ea165f8d65b6e75b540449e92b4886f43607fa02 # v4.6.2',
  downloadArtifact: 'actions/download-artifact@d3f86a106a0bac45b974a628896c90dbdf5c8093 # v4.3.0',
  cache: 'actions/cache@0057852bfaa89a56745cba8c7296529d2fc39830 # v4.3.0',
  setupPython: 'actions/setup-python@a26af69be951a213d495a4c3e4e4022e16d87065 # v5.6.0',
  codeqlAction: 'github/codeql-action/$SUB@8aad20d150bbac5944a9f9d289da16a4b0d87c1e # v4.36.2',
} as const;

/**
 * Runners and scanners the generated CI/CD pipelines (GitHub Actions and Azure Pipelines) use; their
 * Node line and PostgreSQL image come from `defaultNodeLine` and `containerImages` below.
 */
export const ciTools = {
  githubRunner: 'ubuntu-24.04',
  azurePipelinesVmImage: 'ubuntu-24.04',
  /** The Trivy CLI that trivy-action installs (the action's own default for its pinned release). */
  trivy: 'v0.70.0',
  /** The TruffleHog image tag the pinned action runs (its default is `latest`). */
  trufflehog: '3.97.0',
} as const;

/**
 * Container images the docker and compose generators pin: the tag says what it is, the digest (the
 * multi-arch index digest) makes it immutable. Bump tag and digest together; nothing else repeats them.
 * The digests were cross-checked in several independent public repositories, not against the registry
 * itself (it is not reachable from the machines that built Slipway).
 */
export interface PinnedImage {
  /** Repository as written in FROM/image, e.g. `node` or `pgvector/pgvector`. */
  readonly name: string;
  readonly tag: string;
  readonly digest: `sha256:${string}`;
}

/** Node LTS base images the generated Dockerfile can build on, by major line (`--nodeVersion`). */
export const nodeBaseImages = {
  // Node 22.23.3 when pinned (2026-09); maintenance LTS until 2027-04-30.
  '22': { name: 'node', tag: '22-bookworm-slim', digest: 'sha256:43ac6c60b8f89723f746e8a92ce91abd5017e627ce1ddfe4238355d3a30b772c' },
  // Node 24.21.0 when pinned; active LTS until 2026-10, maintenance until 2028-04-30.
  '24': { name: 'node', tag: '24-bookworm-slim', digest: 'sha256:0e0ff40c39bc087845bfb27465a0df4ea419520094bc35842ff83dd8cbe6f9b6' },
  // Node 26 when pinned (2026-11); active LTS from 2026-10-28, maintenance until 2029-04-30.
  '26': { name: 'node', tag: '26-bookworm-slim', digest: 'sha256:2d49d876e96237d76de412761cf05dbfe5aee325cc4406a4d41d5824c5bb8beb' },
} as const satisfies Record<string, PinnedImage>;

export type NodeLine = keyof typeof nodeBaseImages;

/**
 * The newest LTS line whose base image is pinned by digest: new services start on the line with the
 * longest support ahead. Older lines stay selectable with `--nodeVersion` (Node 20 reached end of life
 * on 2026-04-30). test/node-lts.e2e.ts runs a generated service on every line above.
 */
export const defaultNodeLine: NodeLine = '26';

/** Images of the compose stacks: database, cache and monitoring. */
export const containerImages = {
  postgres: { name: 'pgvector/pgvector', tag: '0.8.6-pg17-bookworm', digest: 'sha256:cf134a767f474095eeba57e0117be8e568e011a63f33fbf252f14c9b760f8e6f' },
  redis: { name: 'redis', tag: '7.4.2-alpine', digest: 'sha256:02419de7eddf55aa5bcf49efb74e88fa8d931b4d77c07eff8a6b2144472b6952' },
  prometheus: { name: 'prom/prometheus', tag: 'v3.15.0', digest: 'sha256:efd719c99d83b060d9daefdcf00360461adf279f45ef5391f8d111892118753e' },
  grafana: { name: 'grafana/grafana', tag: '13.2.2', digest: 'sha256:ac461fb352abc50da10a51c7d02462e9c05488f11f53f14b3ad79a8145f638a0' },
  // Jaeger v2 (an OpenTelemetry collector with Jaeger's storage and UI): OTLP on 4317/4318, UI on 16686,
  // traces in memory. The multi-platform digest several independent public repositories pin for this tag.
  jaeger: { name: 'jaegertracing/jaeger', tag: '2.21.0', digest: 'sha256:3d0ac795ff98aa04d1be04311d2dac6c25b4bfc8322dc02e53bc5b170c5018c3' },
} as const satisfies Record<string, PinnedImage>;

/**
 * Images CI steps run: Trivy's, for Azure Pipelines' image scan (no marketplace task), the release of
 * `ciTools.trivy`. The digest is the one several independent public repositories pin for this tag.
 */
export const ciImages = {
  trivy: { name: 'aquasec/trivy', tag: '0.70.0', digest: 'sha256:be1190afcb28352bfddc4ddeb71470835d16462af68d310f9f4bca710961a41e' },
} as const satisfies Record<string, PinnedImage>;

/** `name:tag@sha256:…`, the form FROM lines and compose `image:` keys use. */
export function imageReference(image: PinnedImage): string {
  return `${image.name}:${image.tag}@${image.digest}`;
}

/**
 * Azure Resource Manager API versions the azure generator writes into Bicep. Each (but Microsoft.Network,
 * which is not vendored) has a schema in packages/validate/src/schemas/vendor/arm (see its PROVENANCE.md), which
 * packages/validate/src/bicep.ts checks resource bodies against; bump a version only to one that has a schema.
 */
export const azureApiVersions = {
  containerApps: '2026-01-01',
  postgres: '2025-08-01',
  keyVault: '2026-02-01',
  containerRegistry: '2025-11-01',
  managedIdentity: '2024-11-30',
  roleAssignments: '2022-04-01',
  logAnalytics: '2025-07-01',
  applicationInsights: '2020-02-02',
  virtualNetworks: '2024-05-01',
  privateDnsZones: '2024-06-01',
} as const;

/** Azure Database for PostgreSQL major version; pgvector is on its `azure.extensions` allow-list. */
export const azurePostgresVersion = '16';

/**
 * What a new Container App runs until the first real image is pushed (Microsoft's quickstart image,
 * published only as `latest`); main.bicep switches to the service's image as soon as one is given.
 */
export const containerAppsPlaceholderImage = 'mcr.microsoft.com/k8se/quickstart:latest';
