import { spawn, type ChildProcess } from 'node:child_process';
import { waitFor } from './ports.js';

export interface ServiceProcess {
  readonly url: string;
  readonly child: ChildProcess;
  output(): string;
  /** Sends the signal and resolves with the exit code. */
  stop(signal?: NodeJS.Signals, timeoutMs?: number): Promise<number | null>;
}

/** Starts a built service (`node dist/main.js`) and waits until /healthz answers. */
export async function startServiceProcess(cwd: string, env: NodeJS.ProcessEnv, port: number): Promise<ServiceProcess> {
  const child = spawn(process.execPath, ['dist/main.js'], { cwd, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout?.on('data', (d: Buffer) => (output += d.toString()));
  child.stderr?.on('data', (d: Buffer) => (output += d.toString()));
  // 'close', not 'exit': lines a service flushes as it exits may still be in the pipe at 'exit'.
  const exited = new Promise<number | null>((resolve) => child.on('close', (code) => resolve(code)));
  const url = `http://127.0.0.1:${port}`;
  await Promise.race([
    waitFor('the service to answer /healthz', async () => ((await fetch(`${url}/healthz`)).ok ? true : undefined), 60_000),
    exited.then((code) => {
      throw new Error(`service exited with ${code} before it was healthy:\n${output}`);
    }),
  ]);
  return {
    url,
    child,
    output: () => output,
    async stop(signal = 'SIGTERM', timeoutMs = 15_000) {
      if (child.exitCode !== null) return child.exitCode;
      child.kill(signal);
      const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
      const code = await exited;
      clearTimeout(timer);
      return code;
    },
  };
}
