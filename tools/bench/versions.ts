import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { toolVersion } from './machine.js';
import { benchDir } from './workspaces.js';

/** The version of each package the benchmark ran, read from where it was resolved. */
function installed(from: string, name: string): string {
  // Node's own lookup, by hand: many packages' exports hide their package.json.
  for (let dir = from; ; dir = dirname(dir)) {
    const manifest = join(dir, 'node_modules', name, 'package.json');
    if (existsSync(manifest)) return (JSON.parse(readFileSync(manifest, 'utf8')) as { version: string }).version;
    if (dirname(dir) === dir) return 'not installed';
  }
}

export function collectVersions(nx23: string, nx24: string): Array<[string, string]> {
  const service = join(nx24, 'services/bench-db');
  return [
    ['@slipway/nx (packed, local registry)', installed(nx24, '@slipway/nx')],
    ['@slipway/mcp-runtime (in the generated service)', installed(service, '@slipway/mcp-runtime')],
    ['nx (comparison workspace)', installed(nx23, 'nx')],
    ['@nx/node (comparison workspace)', installed(nx23, '@nx/node')],
    ['nx (Slipway workspace, scaling)', installed(nx24, 'nx')],
    ['@modelcontextprotocol/server (generated service)', installed(service, '@modelcontextprotocol/server')],
    ['@modelcontextprotocol/server (bare server)', installed(benchDir, '@modelcontextprotocol/server')],
    ['@modelcontextprotocol/node (bare server)', installed(benchDir, '@modelcontextprotocol/node')],
    ['@modelcontextprotocol/sdk (legacy server)', installed(benchDir, '@modelcontextprotocol/sdk')],
    ['fastmcp', installed(benchDir, 'fastmcp')],
    ['@electric-sql/pglite (generated service)', installed(service, '@electric-sql/pglite')],
    ['pg (generated service)', installed(service, 'pg')],
    ['autocannon', installed(benchDir, 'autocannon')],
    ['PostgreSQL server', toolVersion('sh', ['-c', '"$(ls -d /usr/lib/postgresql/*/bin/postgres | sort -V | tail -1)" --version']) ?? 'not installed'],
    ['podman', toolVersion('podman') ?? 'not installed'],
  ];
}
