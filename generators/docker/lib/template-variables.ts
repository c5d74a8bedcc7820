import type { DeployTarget } from '../../../packages/nx/src/deploy-target.js';
import { suggestServiceName } from '../../../packages/nx/src/names.js';
import { imageReference, nodeBaseImages, type PinnedImage } from '../../../packages/nx/src/versions.js';
import type { NormalizedDockerOptions } from './normalize-options.js';

/** The `node` user of the official Node images (and of the test stand-in): unprivileged, with a passwd entry. */
export const CONTAINER_UID = 1000;
export const CONTAINER_GID = 1000;
/** Where embedded PGlite keeps its files in the container; a volume goes here. */
export const CONTAINER_DATA_DIR = '/data';
const BUILD_ROOT = '/workspace';
const APP_ROOT = '/app';

interface CopyStep {
  readonly stage: 'build' | 'prod-deps';
  readonly source: string;
  readonly destination: string;
}

/** An image name, compose service name and DNS label: the project name itself for Slipway services. */
export function containerName(project: string): string {
  const lowered = project.toLowerCase();
  return /^[a-z][a-z0-9-]*[a-z0-9]$/.test(lowered) ? lowered : suggestServiceName(project);
}

/** `node` → `docker.io/library/node:22-bookworm-slim`, the OCI base.name annotation's full form. */
export function fullImageName(image: PinnedImage): string {
  const repository = image.name.includes('/') ? image.name : `library/${image.name}`;
  const registry = image.name.split('/')[0]!.includes('.') ? '' : 'docker.io/';
  return `${registry}${repository}:${image.tag}`;
}

/** The project's folder inside the build context: '' for a project at the workspace root. */
function projectDirectory(target: DeployTarget): string {
  return target.root === '.' ? '' : target.root;
}

/** The path the Dockerfile sits at, from the workspace root (the build context). */
export function dockerfilePath(target: DeployTarget): string {
  const dir = projectDirectory(target);
  return dir ? `${dir}/Dockerfile` : 'Dockerfile';
}

/** A JSON array in the spacing Dockerfiles use: `["node", "dist/main.js"]`. */
function execForm(args: readonly string[]): string {
  return `[${args.map((arg) => JSON.stringify(arg)).join(', ')}]`;
}

/** A node fetch of the health path, so the image needs no curl or wget. */
function healthcheckCommand(port: number, path: string): string {
  const script = `fetch('http://127.0.0.1:' + (process.env.PORT || ${port}) + '${path}', { signal: AbortSignal.timeout(4000) }).then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))`;
  return execForm(['node', '-e', script]);
}

/**
 * The install, build and copy steps. In an npm workspace the lockfile is the root's, so npm installs
 * just this workspace from it; a standalone project installs from its own lockfile. Slipway services
 * ship only package.json and dist/; an adopted project ships its whole folder, since it may read
 * files other than its build output at run time.
 */
function buildSteps(target: DeployTarget) {
  const dir = projectDirectory(target);
  const inWorkspace = target.inWorkspace && dir !== '';
  // Where the project's files are in the build context, and where they go in /workspace and /app: a
  // workspace member keeps its place beside the root lockfile; a standalone project is the root.
  const source = dir ? `${dir}/` : '';
  const layout = inWorkspace ? `${dir}/` : '';
  const app = inWorkspace ? `./${dir}` : '.';
  const built = inWorkspace ? `${BUILD_ROOT}/${dir}` : BUILD_ROOT;
  const npmCi = inWorkspace
    ? `npm ci --workspace ${target.packageName} --include-workspace-root=false --no-audit --no-fund`
    : 'npm ci --no-audit --no-fund';
  const build = inWorkspace ? `npm run build --workspace ${target.packageName}` : 'npm run build';
  const projectModules = `${layout}node_modules`;
  const runtimeModules: CopyStep[] = [
    { stage: 'prod-deps', source: `${BUILD_ROOT}/node_modules`, destination: './node_modules' },
    ...(inWorkspace ? [{ stage: 'prod-deps' as const, source: `${BUILD_ROOT}/${projectModules}`, destination: `${app}/node_modules` }] : []),
  ];
  const appFiles: CopyStep[] = target.managed
    ? [
        { stage: 'build', source: `${built}/package.json`, destination: `${app}/` },
        { stage: 'build', source: `${built}/${target.outputDir}`, destination: `${app}/${target.outputDir}` },
      ]
    : [{ stage: 'build', source: `${built}/`, destination: `${app}/` }];
  return {
    manifestCopies: inWorkspace
      ? [
          { sources: ['package.json', target.lockfile], destination: './' },
          { sources: [`${source}package.json`], destination: layout },
        ]
      : [{ sources: [`${source}package.json`, target.lockfile], destination: './' }],
    npmCi,
    projectCopy: { source: source || '.', destination: layout || './' },
    // The whole folder is copied for adopted projects: drop the dev dependencies first.
    buildRun: target.managed ? build : `${build} && rm -rf ${projectModules}`,
    // COPY needs the folder to exist even when npm hoisted everything to the root.
    prodDepsMkdir: inWorkspace ? projectModules : undefined,
    runtimeCopies: [...runtimeModules, ...appFiles],
    buildRoot: BUILD_ROOT,
    appRoot: APP_ROOT,
    appDir: inWorkspace ? `${APP_ROOT}/${dir}` : APP_ROOT,
  };
}

/** Every decision the Dockerfile template branches on, made here rather than in EJS. */
export function templateVariables(target: DeployTarget, options: NormalizedDockerOptions) {
  const base = nodeBaseImages[options.nodeVersion];
  const steps = buildSteps(target);
  const usesPglite = target.database === 'pglite';
  const env: Array<[string, string]> = [
    ['NODE_ENV', 'production'],
    // The runtime keeps Host and Origin validation on at 0.0.0.0: set ALLOWED_HOSTS where it runs.
    ['HOST', '0.0.0.0'],
    ['PORT', String(target.port)],
    ...(usesPglite ? ([['PGLITE_DATA_DIR', `${CONTAINER_DATA_DIR}/pglite`]] as Array<[string, string]>) : []),
    // A start command other than node is looked up among the installed packages' binaries.
    ...(target.startCommand[0] !== 'node'
      ? ([['PATH', `${steps.appDir}/node_modules/.bin:${APP_ROOT}/node_modules/.bin:$PATH`]] as Array<[string, string]>)
      : []),
  ];
  return {
    header: 'Generated by Slipway (@slipway/nx:docker). Edit freely: re-running the generator keeps files you changed.',
    name: target.project,
    description: target.managed ? 'MCP service generated by Slipway' : `${target.project}, containerized by Slipway`,
    buildCommand: `docker build -f ${dockerfilePath(target)} --secret id=npmrc,src=.npmrc -t ${containerName(target.project)} .`,
    lockfile: target.lockfile,
    nodeLine: options.nodeVersion,
    baseImage: imageReference(base),
    baseName: fullImageName(base),
    baseDigest: base.digest,
    ...steps,
    env,
    dataDir: usesPglite ? CONTAINER_DATA_DIR : undefined,
    uid: CONTAINER_UID,
    gid: CONTAINER_GID,
    port: target.port,
    healthcheck: healthcheckCommand(target.port, target.healthPath),
    command: execForm(target.startCommand),
  };
}
