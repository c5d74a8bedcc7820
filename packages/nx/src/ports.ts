import { type Tree } from '@nx/devkit';
import { readAnswers } from './answers.js';
import { OptionsError } from './options.js';
import { projects } from './projects.js';

export const FIRST_SERVICE_PORT = 3000;

/** Ports already taken by Slipway services in the workspace, with the project that holds each. */
export function portsInUse(tree: Tree, exceptRoot?: string): Map<number, string> {
  const taken = new Map<number, string>();
  for (const [name, project] of projects(tree)) {
    if (project.root === exceptRoot) continue;
    for (const record of Object.values(readAnswers(tree, project.root)?.records ?? {})) {
      const port = record.options['port'];
      if (typeof port === 'number') taken.set(port, name);
    }
  }
  return taken;
}

/**
 * The service's port: the one asked for (if free), else the one it already has, else the
 * lowest free port from 3000 up, so no two services in a workspace collide when served together.
 */
export function assignPort(tree: Tree, projectRoot: string, requested: number | undefined, current: number | undefined): number {
  const taken = portsInUse(tree, projectRoot);
  if (requested !== undefined) {
    const holder = taken.get(requested);
    if (holder !== undefined) {
      throw new OptionsError(
        `Invalid options for @slipway/nx:new-mcp-service; nothing was written.\n  --port: ${requested} is already used by service "${holder}"; omit --port to get a free one.`,
      );
    }
    return requested;
  }
  if (current !== undefined && !taken.has(current)) return current;
  let port = FIRST_SERVICE_PORT;
  while (taken.has(port)) port += 1;
  return port;
}
