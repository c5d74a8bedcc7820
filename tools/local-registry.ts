import { spawn, type ChildProcess } from 'node:child_process';
import { execFileSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { freePort } from './ports.js';
import { repoRoot } from './repo-root.js';

/**
 * A throw-away Verdaccio on loopback that serves only the @slipway scope: what a platform team's
 * private registry is to its users. Everything else still comes from the default npm registry,
 * because workspaces point just the scope at it (`@slipway:registry=...`).
 */
export interface LocalRegistry {
  readonly url: string;
  /** The .npmrc line that routes the @slipway scope here. */
  readonly scopeLine: string;
  publish(tarball: string): void;
  stop(): Promise<void>;
}

export async function startLocalRegistry(dir: string): Promise<LocalRegistry> {
  mkdirSync(dir, { recursive: true });
  const port = await freePort();
  const url = `http://127.0.0.1:${port}/`;
  writeFileSync(
    join(dir, 'config.yaml'),
    [
      `storage: ${join(dir, 'storage')}`,
      'auth:',
      '  htpasswd:',
      `    file: ${join(dir, 'htpasswd')}`,
      '    max_users: -1',
      'uplinks: {}',
      'packages:',
      "  '@slipway/*':",
      '    access: $all',
      '    publish: $anonymous',
      'log: { type: stdout, format: json, level: warn }',
      '',
    ].join('\n'),
  );
  // Verdaccio lets anonymous users publish this scope, but npm refuses to publish without a token.
  const npmrc = join(dir, 'publish.npmrc');
  writeFileSync(npmrc, `//127.0.0.1:${port}/:_authToken=local-registry\n`);

  const child: ChildProcess = spawn(
    process.execPath,
    [join(repoRoot, 'node_modules/verdaccio/bin/verdaccio'), '--config', join(dir, 'config.yaml'), '--listen', `127.0.0.1:${port}`],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let log = '';
  child.stdout?.on('data', (d: Buffer) => (log += d.toString()));
  child.stderr?.on('data', (d: Buffer) => (log += d.toString()));
  const deadline = Date.now() + 30_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`Verdaccio exited with ${child.exitCode}:\n${log}`);
    if (
      await fetch(`${url}-/ping`).then(
        (r) => r.ok,
        () => false,
      )
    )
      break;
    if (Date.now() > deadline) throw new Error(`Verdaccio did not start within 30 s:\n${log}`);
    await new Promise((r) => setTimeout(r, 100));
  }

  return {
    url,
    scopeLine: `@slipway:registry=${url}`,
    publish(tarball) {
      execFileSync('npm', ['publish', tarball, '--registry', url, '--userconfig', npmrc, '--provenance=false'], {
        stdio: ['ignore', 'pipe', 'pipe'],
      });
    },
    stop: () =>
      new Promise((resolve) => {
        if (child.exitCode !== null) return resolve();
        child.once('exit', () => resolve());
        child.kill('SIGTERM');
      }),
  };
}
