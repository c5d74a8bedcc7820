import { joinPathFragments, type Tree } from '@nx/devkit';
import { targetsOf } from './file-ownership.js';
import { versions } from './versions.js';

/**
 * The `conformance` target of a generated HTTP service: the MCP conformance suite's scenarios that
 * need no fixture capabilities, run by `slipway-conformance` (@slipway/validate) against the built
 * service, or against `--url`. The generator writes it and the add-conformance migration adds or
 * re-pins it, both from here.
 */

export const CONFORMANCE_TARGET = 'conformance';
/** The service's expected-failures baseline (templates/server), the user's after the first render. */
export const CONFORMANCE_BASELINE = 'conformance-baseline.yml';
const SUITE = '@modelcontextprotocol/conformance';
const SUITE_VERSION_FLAG = '--suite-version';

export interface ConformanceTarget {
  readonly dependsOn: readonly string[];
  readonly executor: 'nx:run-commands';
  readonly options: { readonly command: string; readonly cwd: string; readonly env?: Readonly<Record<string, string>> };
}

/** The suite version a target's command pins; undefined when the command is not Slipway's runner. */
export function pinnedSuiteVersion(target: unknown): string | undefined {
  const command = (target as { options?: { command?: unknown } } | undefined)?.options?.command;
  if (typeof command !== 'string' || !command.startsWith('slipway-conformance ')) return undefined;
  return new RegExp(`${SUITE_VERSION_FLAG}[= ](\\S+)`).exec(command)?.[1];
}

/** The command with its pinned suite version replaced by `version`. */
export function withSuiteVersion(command: string, version: string): string {
  return command.replace(new RegExp(`(${SUITE_VERSION_FLAG}[= ])\\S+`), `$1${version}`);
}

export function conformanceTarget(options: { readonly database: 'pglite' | 'postgres' | 'none' }): ConformanceTarget {
  return {
    dependsOn: ['build'],
    executor: 'nx:run-commands',
    options: {
      command: `slipway-conformance ${SUITE_VERSION_FLAG} ${versions[SUITE]} --expected-failures ${CONFORMANCE_BASELINE}`,
      cwd: '{projectRoot}',
      // A throw-away embedded database, so a run never touches (or locks) the one `serve` uses;
      // DATABASE_URL, when set, still wins, as it does in the service.
      ...(options.database === 'pglite' ? { env: { PGLITE_DATA_DIR: 'memory://' } } : {}),
    },
  };
}

/** Whether the project at `root` has a `conformance` target (CI runs it only then). */
export function hasConformanceTarget(tree: Tree, root: string): boolean {
  const projectJson = tree.read(joinPathFragments(root, 'project.json'), 'utf-8');
  return projectJson !== null && targetsOf(projectJson)[CONFORMANCE_TARGET] !== undefined;
}
