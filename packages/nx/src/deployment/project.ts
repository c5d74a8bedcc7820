import type { Tree } from '@nx/devkit';
import { readGeneratorRecord } from '../answers.js';
import { generatorKey } from '../generator-table.js';
import { defaultNodeLine, nodeBaseImages, type NodeLine } from '../versions.js';

/**
 * The resolved project: what one generator decided about a project that the others follow, read
 * from that generator's answers record. Deployment generators ask here rather than read each
 * other's records (or import each other's code).
 */

function recorded(tree: Tree, root: string, generator: string, option: string): unknown {
  return readGeneratorRecord(tree, root, generatorKey(generator))?.options[option];
}

/** How the service serves MCP (new-mcp-service --transport); undefined for a project Slipway did not make. */
export function transportOf(tree: Tree, root: string): string | undefined {
  const transport = recorded(tree, root, 'new-mcp-service', 'transport');
  return typeof transport === 'string' ? transport : undefined;
}

/** The service's preset (new-mcp-service --preset); `minimal` when none was recorded. */
export function presetOf(tree: Tree, root: string): string {
  const preset = recorded(tree, root, 'new-mcp-service', 'preset');
  return typeof preset === 'string' ? preset : 'minimal';
}

/** The Node line the service's image runs (the docker generator's choice), for CI to test on the same. */
export function nodeLineOf(tree: Tree, root: string): NodeLine {
  const line = recorded(tree, root, 'docker', 'nodeVersion');
  return typeof line === 'string' && Object.hasOwn(nodeBaseImages, line) ? (line as NodeLine) : defaultNodeLine;
}

/** The port and health path the Dockerfile was given (docker --port, --healthPath), which compose follows. */
export function containerProbeOf(tree: Tree, root: string): { port: number | undefined; healthPath: string | undefined } {
  const port = recorded(tree, root, 'docker', 'port');
  const healthPath = recorded(tree, root, 'docker', 'healthPath');
  return { port: typeof port === 'number' ? port : undefined, healthPath: typeof healthPath === 'string' ? healthPath : undefined };
}

/** Whether the azure generator provisions PostgreSQL (its recorded --postgres); undefined when it has not run. */
export function azurePostgresOf(tree: Tree, root: string): boolean | undefined {
  const postgres = recorded(tree, root, 'azure', 'postgres');
  return typeof postgres === 'boolean' ? postgres : undefined;
}
