import { spawn } from 'node:child_process';
import type { Step } from './plan.js';

/** Runs one step in a folder; rejects when it can't be started or exits non-zero. */
export type Runner = (step: Step, cwd: string) => Promise<void>;

/**
 * The environment of the steps: ours, without what `npx --package=<x> create-slipway` sets for its
 * own call. Inherited, `npm_config_package` makes the inner `npx nx` look for <x> instead of nx.
 */
export function stepEnvironment(env: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  const { npm_config_package: _package, npm_config_yes: _yes, ...rest } = env;
  return rest;
}

/** The real runner: the command's output goes straight to the user's terminal. */
export const spawnRunner: Runner = (step, cwd) =>
  new Promise((resolve, reject) => {
    // On Windows npm and npx are .cmd scripts, which only a shell can start.
    const child = spawn(step.command, [...step.args], { cwd, stdio: 'inherit', shell: process.platform === 'win32', env: stepEnvironment(process.env) });
    child.once('error', (error: NodeJS.ErrnoException) =>
      reject(new Error(error.code === 'ENOENT' ? `${step.command} was not found on the PATH` : error.message)),
    );
    child.once('exit', (code, signal) =>
      code === 0 ? resolve() : reject(new Error(`${step.command} ${step.args.join(' ')} ${signal ? `was stopped by ${signal}` : `exited with code ${code}`}`)),
    );
  });
