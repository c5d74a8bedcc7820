import { joinPathFragments, readJson, type Tree } from '@nx/devkit';
import { refuseStdioOnly, resolveDeployTarget, type DeployTarget } from '../../../packages/nx/src/deploy-target.js';
import { NAMESPACE_BASE_MAX, namespaceBaseProblem } from '../../../packages/nx/src/names.js';
import { optionsError } from '../../../packages/nx/src/options.js';
import type { SloTargets } from '../../../packages/nx/src/deployment/service-alerts.js';
import type { ParsedK8sOptions } from '../schema.js';
import type { GateThresholds } from './release-gate.js';

export const GENERATOR = '@slipway/nx:k8s';

/** Options after defaults and workspace look-ups: what the templates and the answers record use. */
export interface NormalizedK8sOptions extends GateThresholds, SloTargets {
  readonly project: string;
  readonly namespace: string;
  readonly image: string;
  readonly ingressNamespace: string;
  readonly monitoringNamespace: string;
  readonly progressiveDelivery: ParsedK8sOptions['progressiveDelivery'];
  readonly replicas: number;
  readonly prometheusUrl: string;
  readonly port: number;
  readonly database: DeployTarget['database'];
  /** PostgreSQL outside the cluster; undefined: the in-cluster postgresql pods. */
  readonly databaseCidr: string | undefined;
  /** HTTPS destinations (identity provider, APIs); empty: no egress beyond DNS and the database. */
  readonly egressCidrs: readonly string[];
  /** The OpenTelemetry collector (OTLP/HTTP); undefined: tracing off. */
  readonly otlpEndpoint: string | undefined;
}

/** The image tag overlays start from: the project's package.json version (CI replaces it per release). */
export function imageTagOf(tree: Tree, target: DeployTarget): string {
  const version = readJson<{ version?: string }>(tree, joinPathFragments(target.root, 'package.json')).version;
  return version && /^[\w][\w.-]{0,127}$/.test(version) ? version : '0.1.0';
}

export function normalizeOptions(tree: Tree, options: ParsedK8sOptions): { options: NormalizedK8sOptions; target: DeployTarget } {
  const target = resolveDeployTarget(tree, 'k8s', options.project, { port: options.port, database: options.database });
  refuseStdioOnly(tree, 'k8s', target, 'Kubernetes');
  const namespace = options.namespace ?? options.project;
  if (namespaceBaseProblem(namespace)) {
    throw optionsError(GENERATOR, [
      `--namespace: "${namespace}" (from the project name) is too long for "<namespace>-staging"; pass --namespace with at most ${NAMESPACE_BASE_MAX} characters.`,
    ]);
  }
  const monitoringNamespace = options.monitoringNamespace;
  return {
    target,
    options: {
      project: options.project,
      namespace,
      image: options.image ?? `registry.example.com/${target.project}`,
      ingressNamespace: options.ingressNamespace,
      monitoringNamespace,
      progressiveDelivery: options.progressiveDelivery,
      replicas: options.replicas,
      prometheusUrl: options.prometheusUrl ?? `http://prometheus-operated.${monitoringNamespace}.svc:9090`,
      port: target.port,
      database: target.database,
      databaseCidr: options.databaseCidr,
      egressCidrs: options.egressCidrs,
      otlpEndpoint: options.otlpEndpoint?.replace(/\/$/, ''),
      gateMinHttpSuccessRate: options.gateMinHttpSuccessRate,
      gateMaxToolErrorRatio: options.gateMaxToolErrorRatio,
      gateMaxLatencyRatio: options.gateMaxLatencyRatio,
      gateLatencyFloorSeconds: options.gateLatencyFloorSeconds,
      sloAvailability: options.sloAvailability,
      sloToolSuccess: options.sloToolSuccess,
      sloLatencyP99Seconds: options.sloLatencyP99Seconds,
      alertEventLoopLagSeconds: options.alertEventLoopLagSeconds,
    },
  };
}
