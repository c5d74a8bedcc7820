import type { Tree } from '@nx/devkit';
import { refuseStdioOnly, resolveDeployTarget, type DeployTarget } from '../../../packages/nx/src/deploy-target.js';
import { assertPortFree } from '../../../packages/nx/src/ports.js';
import { containerProbeOf, nodeLineOf } from '../../../packages/nx/src/deployment/project.js';
import type { NodeLine } from '../../../packages/nx/src/versions.js';
import type { ParsedDockerOptions } from '../schema.js';

export const GENERATOR = '@slipway/nx:docker';

/**
 * What the answers record keeps: enough to render the same files again. `port` and `healthPath` are
 * kept only when they were chosen (or, for an adopted project, when there is nothing else to read
 * them from), so that a Slipway service's Dockerfile follows the service when its port changes.
 */
export type NormalizedDockerOptions = {
  readonly project: string;
  readonly nodeVersion: NodeLine;
  readonly port?: number;
  readonly healthPath?: string;
};

export interface DockerGeneration {
  readonly options: NormalizedDockerOptions;
  readonly target: DeployTarget;
}

/** Options given now win; then what was recorded last time; then what the project itself says. */
export function normalizeOptions(tree: Tree, parsed: ParsedDockerOptions): DockerGeneration {
  const located = resolveDeployTarget(tree, 'docker', parsed.project);
  refuseStdioOnly(tree, 'docker', located, 'an image with an HTTP health check and a published port');
  // What the last run recorded, read where every generator reads it (deployment/project.ts).
  const recorded = containerProbeOf(tree, located.root);
  // Compose publishes this port on the host, where another service may already serve on it.
  if (parsed.port !== undefined && parsed.port !== recorded.port) assertPortFree(tree, 'docker', located.root, parsed.port);
  const port = parsed.port ?? recorded.port;
  const healthPath = parsed.healthPath ?? recorded.healthPath;
  const target = resolveDeployTarget(tree, 'docker', parsed.project, { port, healthPath });
  return {
    target,
    options: {
      project: target.project,
      nodeVersion: parsed.nodeVersion ?? nodeLineOf(tree, located.root),
      ...(port !== undefined || !target.managed ? { port: target.port } : {}),
      ...(healthPath !== undefined ? { healthPath } : {}),
    },
  };
}
