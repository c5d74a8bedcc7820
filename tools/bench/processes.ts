import { execFileSync, spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { openSync, readFileSync } from 'node:fs';

/** Cores for the server and the load generator; without taskset both float. */
export const hasTaskset = spawnSync('taskset', ['-V']).status === 0;
const cores = hasTaskset ? parseCpuList(execFileSync('taskset', ['-cp', String(process.pid)], { encoding: 'utf8' })) : [];
export const SERVER_CORE = cores[0];
export const LOAD_CORE = cores.length > 1 ? cores[1] : undefined;

function parseCpuList(output: string): number[] {
  const list = output.split(':').pop()!.trim();
  return list.split(',').flatMap((part) => {
    const [from, to] = part.split('-').map(Number);
    return to === undefined ? [from!] : Array.from({ length: to - from! + 1 }, (_, i) => from! + i);
  });
}

/** The command line, prefixed with `taskset -c CORE` when a core is given and taskset exists. */
export function pinned(core: number | undefined, command: string, args: readonly string[]): [string, string[]] {
  return core === undefined ? [command, [...args]] : ['taskset', ['-c', String(core), command, ...args]];
}

export { freePort } from '../ports.js';

/** Resident set size of a process, from /proc (Linux); NaN elsewhere or once it exited. */
export function rssBytes(pid: number | undefined): number {
  if (pid === undefined) return Number.NaN;
  try {
    const match = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return match ? Number(match[1]) * 1024 : Number.NaN;
  } catch {
    return Number.NaN;
  }
}

export const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

export interface ServerProcess {
  readonly child: ChildProcess;
  readonly url: string;
  /** ms from spawn to the first 200 of the readiness path. */
  readonly readyMs: number;
  stop(): Promise<void>;
}

export interface StartOptions {
  command: string;
  args: readonly string[];
  cwd: string;
  env: NodeJS.ProcessEnv;
  port: number;
  readinessPath: string;
  core?: number | undefined;
  /** Where stdout and stderr go (a log file); /dev/null by default. */
  logFile?: string;
  timeoutMs?: number;
}

/** Spawns a server and polls its readiness path every 5 ms until it answers 200. */
export async function startServer(options: StartOptions): Promise<ServerProcess> {
  const out = openSync(options.logFile ?? '/dev/null', 'a');
  const [command, args] = pinned(options.core, options.command, options.args);
  const started = performance.now();
  const child = spawn(command, args, { cwd: options.cwd, env: options.env, stdio: ['ignore', out, out] });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const url = `http://127.0.0.1:${options.port}`;
  const deadline = Date.now() + (options.timeoutMs ?? 60_000);
  let readyMs = Number.NaN;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) break;
    const ok = await fetch(`${url}${options.readinessPath}`).then(
      (r) => r.status === 200,
      () => false,
    );
    if (ok) {
      readyMs = performance.now() - started;
      break;
    }
    await sleep(5);
  }
  const stop = async () => {
    if (child.exitCode === null && child.signalCode === null) {
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
      await exited;
      clearTimeout(timer);
    }
  };
  if (!Number.isFinite(readyMs)) {
    await stop();
    const log = options.logFile ? readFileSync(options.logFile, 'utf8').slice(-2000) : '';
    throw new Error(`${options.command} ${options.args.join(' ')} was not ready on ${url}${options.readinessPath}\n${log}`);
  }
  return { child, url, readyMs, stop };
}

/** Runs a command to completion and returns its wall time in ms; throws with its output on failure. */
export function timed(command: string, args: readonly string[], cwd: string, env: NodeJS.ProcessEnv): Promise<{ ms: number; output: string }> {
  return new Promise((resolve, reject) => {
    const started = performance.now();
    const child = spawn(command, args, { cwd, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout?.on('data', (d: Buffer) => (output += d.toString()));
    child.stderr?.on('data', (d: Buffer) => (output += d.toString()));
    child.on('error', reject);
    child.on('close', (code) => {
      const ms = performance.now() - started;
      if (code === 0) resolve({ ms, output });
      else reject(new Error(`${command} ${args.join(' ')} exited ${code} in ${cwd}\n${output.slice(-4000)}`));
    });
  });
}
