import type { Tree } from '@nx/devkit';
import { readGeneratorRecord } from '../../../packages/nx/src/answers.js';
import { refuseStdioOnly, resolveDeployTarget, type DeployTarget } from '../../../packages/nx/src/deploy-target.js';
import { containerProbeOf } from '../../../packages/nx/src/deployment/project.js';
import { SLO_DEFAULTS, type SloTargets } from '../../../packages/nx/src/deployment/service-alerts.js';
import type { ParsedComposeOptions } from '../schema.js';

export const GENERATOR = '@slipway/nx:compose';

/** What the answers record keeps: enough to render the same files again. */
export type NormalizedComposeOptions = Partial<SloTargets> & {
  readonly project: string;
  readonly redis: boolean;
  readonly monitoring: boolean;
};

export interface ComposeGeneration {
  readonly options: NormalizedComposeOptions;
  readonly target: DeployTarget;
  /** What the monitoring overlay's alerts aim at; recorded only with --monitoring, where they are used. */
  readonly slo: SloTargets;
}

/** Options given now win; then what was chosen last time; then off (the SLO targets: their defaults). Port and health path follow the Dockerfile's. */
export function normalizeOptions(tree: Tree, parsed: ParsedComposeOptions): ComposeGeneration {
  const located = resolveDeployTarget(tree, 'compose', parsed.project);
  refuseStdioOnly(tree, 'compose', located, 'a compose service with an HTTP health check and a published port');
  const target = resolveDeployTarget(tree, 'compose', parsed.project, containerProbeOf(tree, located.root));
  const previous = readGeneratorRecord(tree, target.root, GENERATOR)?.options ?? {};
  const sticky = (given: boolean | undefined, key: string): boolean => given ?? previous[key] === true;
  const stickyTarget = (key: keyof SloTargets): number => {
    const recorded = previous[key];
    return parsed[key] ?? (typeof recorded === 'number' ? recorded : SLO_DEFAULTS[key]);
  };
  const slo: SloTargets = {
    sloAvailability: stickyTarget('sloAvailability'),
    sloToolSuccess: stickyTarget('sloToolSuccess'),
    sloLatencyP99Seconds: stickyTarget('sloLatencyP99Seconds'),
    alertEventLoopLagSeconds: stickyTarget('alertEventLoopLagSeconds'),
  };
  const monitoring = sticky(parsed.monitoring, 'monitoring');
  return {
    target,
    slo,
    options: { project: target.project, redis: sticky(parsed.redis, 'redis'), monitoring, ...(monitoring ? slo : {}) },
  };
}
