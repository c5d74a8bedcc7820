import { slipwayVersion } from './package-paths.js';

/**
 * The one place that pins what generated projects depend on. The repo's own package.json
 * installs the same versions (versions.spec.ts checks it), so what we test is what we ship.
 */
export const versions = {
  '@slipway/mcp-runtime': slipwayVersion,
  '@slipway/nx': slipwayVersion,
  '@modelcontextprotocol/server': '2.4.0',
  '@modelcontextprotocol/node': '2.1.2',
  '@modelcontextprotocol/client': '2.4.0',
  '@modelcontextprotocol/inspector': '2.12.0',
  '@electric-sql/pglite': '0.5.14',
  '@electric-sql/pglite-pgvector': '0.0.15',
  pg: '8.23.1',
  zod: '4.6.7',
  typescript: '5.9.3',
  vitest: '4.1.12',
  tsx: '4.23.15',
  '@types/node': '20.19.43',
  '@types/pg': '8.15.6',
} as const;

export type VersionedPackage = keyof typeof versions;

/** Node versions generated services support; matches the runtime's engines field. */
export const nodeEngine = '>=20.19';

/** Picks the pinned versions of the named packages, as a package.json dependency block. */
export function withVersions(packages: readonly VersionedPackage[]): Record<string, string> {
  return Object.fromEntries([...packages].sort().map((name) => [name, versions[name]]));
}

/**
 * GitHub Actions used by the github-actions generator. First-party actions (actions/*, github/*)
 * follow their current major; every other action is pinned to the full commit SHA of a release
 * tag, with the tag in a trailing comment (each SHA checked against the action's repository tags).
 * Bump an entry's SHA and comment together.
 */
export const githubActions = {
  checkout: 'actions/checkout@v7',
  setupNode: 'actions/setup-node@v7',
  uploadSarif: 'github/codeql-action/upload-sarif@v4',
  azureLogin: 'azure/login@f5d393ae46f8fde4be8b75f32e3fc50e654ad0ca # v3.0.1',
  nxSetShas: 'nrwl/nx-set-shas@afb73a62d26e41464e9254689e1fd6122ee683c1 # v5.0.1',
  setupBuildx: 'docker/setup-buildx-action@37fe631027851001ddb9b187196cc803df7f5f0e # v4.3.0',
  dockerLogin: 'docker/login-action@4907a6ddec9925e35a0a9e82d7399ccc52663121 # v4.1.0',
  dockerMetadata: 'docker/metadata-action@dc802804100637a589fabce1cb79ff13a1411302 # v6.2.0',
  buildPush: 'docker/build-push-action@53b7df96c91f9c12dcc8a07bcb9ccacbed38856a # v7.3.0',
  trivy: 'aquasecurity/trivy-action@ed142fd0673e97e23eac54620cfb913e5ce36c25 # v0.36.0',
  trufflehog: 'trufflesecurity/trufflehog@bcfcf73aaf4759d4dadc2783177c245a02792318 # v3.97.0',
} as const;

/** Tools, images and runners the generated CI/CD pipelines (GitHub Actions and Azure Pipelines) run. */
export const ciTools = {
  /** Node.js major for CI (setup-node, NodeTool); within the services' `engines` range. */
  node: '22',
  githubRunner: 'ubuntu-24.04',
  azurePipelinesVmImage: 'ubuntu-24.04',
  /** The Trivy CLI that trivy-action installs (the action's own default for its pinned release). */
  trivy: 'v0.70.0',
  /** The TruffleHog image tag the pinned action runs (its default is `latest`). */
  trufflehog: '3.97.0',
  /** PostgreSQL with pgvector for tests in CI. */
  postgresImage: 'pgvector/pgvector:0.8.6-pg17-bookworm',
} as const;
