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
