import { joinPathFragments, readJson, type Tree } from '@nx/devkit';
import { readGeneratorRecord } from './answers.js';
import { transportOf } from './deployment/project.js';
import { optionsError } from './options.js';
import { projects } from './projects.js';
import { isWorkspaceMember } from './workspace.js';

/** The record key of the generator that creates services; deployment generators read its options. */
export const SERVICE_GENERATOR = '@slipway/nx:new-mcp-service';

/**
 * What a deployment generator needs to know about the project it deploys, whether Slipway made it
 * (read from its answers record) or the team brought it (adoption: read from package.json and options).
 */
export interface DeployTarget {
  /** Nx project name (also the service's npm package name for Slipway services). */
  readonly project: string;
  /** Project root, relative to the workspace root. */
  readonly root: string;
  /** The `name` in the project's package.json, for `npm run -w <packageName>`. */
  readonly packageName: string;
  /** Made by new-mcp-service (true) or adopted (false). */
  readonly managed: boolean;
  readonly port: number;
  readonly healthPath: string;
  readonly readinessPath: string;
  /** 'none' when the service needs no database. */
  readonly database: 'pglite' | 'postgres' | 'none';
  /** The project is an npm workspace member: install and build from the workspace root with its lockfile. */
  readonly inWorkspace: boolean;
  /** The lockfile npm ci uses, relative to the workspace root. */
  readonly lockfile: string;
  /** The command the container runs, e.g. ["node", "dist/main.js"]. */
  readonly startCommand: readonly string[];
  /** Folder the build writes, relative to the project root. */
  readonly outputDir: string;
}

export interface DeployTargetOverrides {
  readonly port?: number | undefined;
  readonly healthPath?: string | undefined;
  readonly readinessPath?: string | undefined;
  readonly database?: DeployTarget['database'] | undefined;
}

interface ProjectPackageJson {
  name?: string;
  main?: string;
  scripts?: Record<string, string>;
}

function fail(generator: string, message: string): never {
  throw optionsError(generator, [message]);
}

/** `node dist/main.js` → ["node", "dist/main.js"]; anything needing a shell is refused with the fix. */
function startCommandFrom(generator: string, project: string, start: string): string[] {
  if (/[|&;<>$`"'\\]/.test(start)) {
    fail(generator, `--project: the "start" script of ${project} ("${start}") needs a shell; make it a plain command such as "node dist/main.js".`);
  }
  return start.trim().split(/\s+/);
}

export function resolveDeployTarget(tree: Tree, generator: string, projectName: string, overrides: DeployTargetOverrides = {}): DeployTarget {
  const project = projects(tree).get(projectName);
  if (!project) {
    const known = [...projects(tree).keys()].sort().join(', ') || 'none';
    fail(generator, `--project: there is no project named "${projectName}" (projects: ${known}).`);
  }
  const root = project.root;
  const packageJsonPath = joinPathFragments(root, 'package.json');
  if (!tree.exists(packageJsonPath)) {
    fail(generator, `--project: ${projectName} has no package.json; Slipway deploys Node projects with "build" and "start" scripts.`);
  }
  const pkg = readJson<ProjectPackageJson>(tree, packageJsonPath);
  for (const script of ['build', 'start'] as const) {
    if (!pkg.scripts?.[script]) {
      fail(
        generator,
        `--project: ${projectName} has no "${script}" script in ${packageJsonPath}; add one (e.g. "${script === 'build' ? 'tsc' : 'node dist/main.js'}") and re-run.`,
      );
    }
  }
  const record = readGeneratorRecord(tree, root, SERVICE_GENERATOR);
  const recordedPort = record?.options['port'];
  const recordedDatabase = record?.options['database'];
  const inWorkspace = isWorkspaceMember(tree, root);
  return {
    project: projectName,
    root,
    packageName: pkg.name ?? projectName,
    managed: record !== undefined,
    port: overrides.port ?? (typeof recordedPort === 'number' ? recordedPort : 3000),
    healthPath: overrides.healthPath ?? '/healthz',
    readinessPath: overrides.readinessPath ?? (record ? '/readyz' : (overrides.healthPath ?? '/healthz')),
    database:
      overrides.database ?? (recordedDatabase === 'pglite' || recordedDatabase === 'postgres' || recordedDatabase === 'none' ? recordedDatabase : 'none'),
    inWorkspace,
    lockfile: inWorkspace ? 'package-lock.json' : joinPathFragments(root, 'package-lock.json'),
    startCommand: startCommandFrom(generator, projectName, pkg.scripts!['start']!),
    outputDir: 'dist',
  };
}

/**
 * Refuses to deploy a Slipway service that serves MCP over stdio only: it has no HTTP endpoint to
 * probe, route to or smoke-test. `alternative` is an option of the calling generator that avoids the
 * need, when it has one.
 */
export function refuseStdioOnly(tree: Tree, generator: string, target: DeployTarget, needs: string, alternative?: string): void {
  if (transportOf(tree, target.root) !== 'stdio') return;
  const fixes = [`re-run \`nx g @slipway/nx:new-mcp-service ${target.project} --transport=both\``, ...(alternative ? [`use ${alternative}`] : [])];
  throw optionsError(generator, [`--project: ${target.project} serves MCP over stdio only; ${needs} needs the HTTP transport: ${fixes.join(', or ')}.`]);
}
