import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { toolVersion } from './machine.js';
import { benchDir } from './workspaces.js';

/** The version of each package the benchmark ran, read from where it was resolved. */
function installed(from: string, name: string): string {
  try {
    const require = createRequire(join(from, 'package.json'));
    return (JSON.parse(readFileSync(require.resolve(`${name}/package.json`), 'utf8')) as { version: string }).version;
  } catch {
    return 'not installed';
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
    ['PostgreSQL server', toolVersion('sh', ['-c', 'ls -d /usr/lib/postgresql/*/bin/postgres | tail -1 | xargs -I{} {} --version']) ?? 'not installed'],
    ['podman', toolVersion('podman') ?? 'not installed'],
  ];
}
