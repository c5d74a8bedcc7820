import { existsSync, mkdtempSync, readdirSync, rmSync, chmodSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort, waitFor } from './ports.js';
import { run } from './run.js';

export interface PostgresServer {
  readonly url: string;
  readonly version: string;
  stop(): Promise<void>;
}

const PG_ROOT = '/usr/lib/postgresql';

function binDir(): string | undefined {
  if (!existsSync(PG_ROOT)) return undefined;
  const majors = readdirSync(PG_ROOT).filter((v) => existsSync(join(PG_ROOT, v, 'bin', 'initdb')));
  const newest = majors.sort((a, b) => Number(b) - Number(a))[0];
  return newest ? join(PG_ROOT, newest, 'bin') : undefined;
}

/** Debian's PostgreSQL; installed with apt when missing (the tests run as root on a fresh machine). */
async function ensureInstalled(): Promise<string> {
  const existing = binDir();
  if (existing) return existing;
  if (process.getuid?.() !== 0) throw new Error('PostgreSQL is not installed and the tests are not root: apt-get install postgresql');
  await run('apt-get', ['update', '-qq'], { env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' } });
  await run('apt-get', ['install', '-y', '-qq', 'postgresql'], { env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' } });
  const installed = binDir();
  if (!installed) throw new Error('apt-get install postgresql left no initdb under /usr/lib/postgresql');
  return installed;
}

/**
 * A throw-away PostgreSQL server on a temporary data directory and a free loopback port.
 * PostgreSQL refuses to run as root, so as root it runs as the `postgres` system user.
 */
export async function startPostgres(): Promise<PostgresServer> {
  const bin = await ensureInstalled();
  const dir = mkdtempSync(join(tmpdir(), 'slipway-pg-'));
  chmodSync(dir, 0o777);
  const data = join(dir, 'data');
  const port = await freePort();
  const asRoot = process.getuid?.() === 0;
  const exec = (tool: string, args: string[]) => (asRoot ? run('runuser', ['-u', 'postgres', '--', join(bin, tool), ...args]) : run(join(bin, tool), args));

  await exec('initdb', ['-D', data, '-U', 'postgres', '--auth=trust', '-E', 'UTF8', '--locale=C.UTF-8']);
  await exec('pg_ctl', ['-D', data, '-l', join(dir, 'server.log'), '-w', '-o', `-p ${port} -k ${dir} -c listen_addresses=127.0.0.1`, 'start']);
  const version = (await exec('postgres', ['--version'])).stdout.trim();
  const url = `postgres://postgres@127.0.0.1:${port}/postgres`;
  await waitFor('PostgreSQL to accept connections', async () =>
    (await run(join(bin, 'pg_isready'), ['-h', '127.0.0.1', '-p', String(port)], { allowFailure: true })).code === 0 ? true : undefined,
  );
  return {
    url,
    version,
    async stop() {
      await exec('pg_ctl', ['-D', data, '-m', 'fast', '-w', 'stop']).catch(() => undefined);
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** The server's URL with another login (a service's own, least-privilege one); its password is derived from the name. */
export function loginUrl(server: PostgresServer, user: string): string {
  const url = new URL(server.url);
  url.username = user;
  url.password = `${user}-password`;
  return url.toString();
}
