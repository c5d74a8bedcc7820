import { spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { freePort } from './free-port.js';

export interface RunningService {
  /** The MCP endpoint, e.g. http://127.0.0.1:41234/mcp. */
  readonly url: string;
  /** What the service printed so far. */
  output(): string;
  /** SIGTERM, then SIGKILL after `graceMs`; resolves once it exited. */
  stop(graceMs?: number): Promise<void>;
}

/** The built entry point: package.json `main` (dist/main.js in a generated HTTP service). */
export function builtEntry(projectRoot: string): string {
  const manifest = join(projectRoot, 'package.json');
  if (!existsSync(manifest)) throw new Error(`${manifest} not found: run slipway-conformance in the service's folder (nx run <service>:conformance does)`);
  const main = (JSON.parse(readFileSync(manifest, 'utf8')) as { main?: unknown }).main;
  if (typeof main !== 'string') throw new Error(`${manifest} has no "main": name the built HTTP entry point, e.g. "main": "dist/main.js"`);
  const entry = join(projectRoot, main);
  if (!existsSync(entry)) throw new Error(`${entry} does not exist: build the service first (nx run <service>:build), or pass --url`);
  return entry;
}

/**
 * Starts the built service on a free loopback port, the way it runs in production (`node <main>`,
 * HOST and PORT from the environment), and resolves once /healthz answers.
 */
export async function startService(projectRoot: string, env: NodeJS.ProcessEnv, timeoutMs = 60_000): Promise<RunningService> {
  const entry = builtEntry(projectRoot);
  const port = await freePort();
  const child = spawn(process.execPath, [entry], {
    cwd: projectRoot,
    env: { ...env, HOST: '127.0.0.1', PORT: String(port) },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout.on('data', (d: Buffer) => (output += d.toString()));
  child.stderr.on('data', (d: Buffer) => (output += d.toString()));
  // 'close', not 'exit': the line a failing service writes as it exits may still be in the pipe at 'exit'.
  const exited = new Promise<number | null>((resolve) => child.once('close', (code) => resolve(code)));
  const base = `http://127.0.0.1:${port}`;
  const stop = async (graceMs = 10_000) => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    child.kill('SIGTERM');
    const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
    await exited;
    clearTimeout(timer);
  };

  const deadline = Date.now() + timeoutMs;
  let healthy = false;
  let exitCode: number | null | undefined;
  void exited.then((code) => (exitCode = code));
  while (!healthy) {
    if (exitCode !== undefined) throw new Error(`the service exited with ${exitCode} before /healthz answered:\n${output}`);
    if (Date.now() > deadline) {
      await stop();
      throw new Error(`the service did not answer ${base}/healthz within ${timeoutMs / 1000} s:\n${output}`);
    }
    healthy = await fetch(`${base}/healthz`).then(
      (r) => r.ok,
      () => false,
    );
    if (!healthy) await new Promise((r) => setTimeout(r, 200));
  }
  return { url: `${base}/mcp`, output: () => output, stop };
}
