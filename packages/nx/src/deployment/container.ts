import { posix } from 'node:path';
import type { DeployTarget } from '../deploy-target.js';
import { suggestServiceName } from '../names.js';

/**
 * Container conventions every deployment generator follows, so that an image built from the docker
 * generator's Dockerfile runs the same under compose, Kubernetes and Container Apps.
 */

/** The `node` user of the official Node images (and of the test stand-in): unprivileged, with a passwd entry. */
export const CONTAINER_UID = 1000;
export const CONTAINER_GID = 1000;
/** Where embedded PGlite keeps its files in the container; a volume goes here. */
export const CONTAINER_DATA_DIR = '/data';

/** An image name, compose service name and DNS label: the project name itself for Slipway services. */
export function containerName(project: string): string {
  const lowered = project.toLowerCase();
  return /^[a-z][a-z0-9-]*[a-z0-9]$/.test(lowered) ? lowered : suggestServiceName(project);
}

/** The project's folder inside the build context (the workspace root): '' for a project at the root. */
export function projectDirectory(target: DeployTarget): string {
  return target.root === '.' ? '' : target.root;
}

/** The path the Dockerfile sits at, from the workspace root (the build context). */
export function dockerfilePath(target: DeployTarget): string {
  const dir = projectDirectory(target);
  return dir ? `${dir}/Dockerfile` : 'Dockerfile';
}

/** The build context (the workspace root) as seen from the project root, for tools that run there (compose, azd). */
export function buildContextFromProject(target: DeployTarget): string {
  return posix.relative(projectDirectory(target), '') || '.';
}

/** The Dockerfile as seen from the project root. */
export function dockerfileFromProject(target: DeployTarget): string {
  return posix.relative(projectDirectory(target), dockerfilePath(target));
}

/** A JSON array in the spacing Dockerfiles and compose files use: `["node", "dist/main.js"]`. */
export function execForm(args: readonly string[]): string {
  return `[${args.map((arg) => JSON.stringify(arg)).join(', ')}]`;
}

/** A health probe that needs nothing but the image's node (no curl or wget): exits 0 when `url` (a JS expression) answers 2xx. */
export function nodeFetchProbe(url: string): string {
  return `fetch(${url}, { signal: AbortSignal.timeout(4000) }).then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))`;
}
