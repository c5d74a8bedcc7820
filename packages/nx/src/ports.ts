import { type Tree } from '@nx/devkit';
import { readAnswers } from './answers.js';
import { generatorKey } from './generator-table.js';
import { optionsError } from './options.js';
import { projects } from './projects.js';

export const FIRST_SERVICE_PORT = 3000;

/**
 * Generators whose recorded port binds on the developer's machine: the service itself (`nx serve`)
 * and its image (compose publishes the Dockerfile's port). The k8s and azure ports are inside the
 * cluster or the Container App, where services do not share ports.
 */
const HOST_PORT_GENERATORS = [generatorKey('new-mcp-service'), generatorKey('docker')];

/** Ports already taken by Slipway services in the workspace, with the project that holds each. */
export function portsInUse(tree: Tree, exceptRoot?: string): Map<number, string> {
  const taken = new Map<number, string>();
  for (const [name, project] of projects(tree)) {
    if (project.root === exceptRoot) continue;
    const records = readAnswers(tree, project.root)?.records ?? {};
    for (const key of HOST_PORT_GENERATORS) {
      const port = Object.hasOwn(records, key) ? records[key]!.options['port'] : undefined;
      if (typeof port === 'number') taken.set(port, name);
    }
  }
  return taken;
}

/** Refuses a port another service in the workspace already serves on; `generator` is the one asked for it. */
export function assertPortFree(tree: Tree, generator: string, projectRoot: string, port: number): void {
  const holder = portsInUse(tree, projectRoot).get(port);
  if (holder !== undefined) {
    throw optionsError(generator, [`--port: ${port} is already used by service "${holder}"; omit --port to get a free one.`]);
  }
}

/**
 * The service's port: the one asked for (if free), else the one it already has, else the
 * lowest free port from 3000 up, so no two services in a workspace collide when served together.
 */
export function assignPort(tree: Tree, projectRoot: string, requested: number | undefined, current: number | undefined): number {
  if (requested !== undefined) {
    // Asking again for the port it has (a re-run, update) claims nothing new.
    if (requested !== current) assertPortFree(tree, 'new-mcp-service', projectRoot, requested);
    return requested;
  }
  const taken = portsInUse(tree, projectRoot);
  if (current !== undefined && !taken.has(current)) return current;
  let port = FIRST_SERVICE_PORT;
  while (taken.has(port)) port += 1;
  return port;
}
