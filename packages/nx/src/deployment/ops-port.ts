import type { DeployTarget } from '../deploy-target.js';

/**
 * The runtime's ops listener (OPS_PORT): with it set, /metrics and /readyz are served only there and
 * the public port carries /mcp and /healthz alone, so no ingress or published port exposes them.
 * 9464 is the Prometheus exporter port OpenTelemetry uses, outside the services' 3000+ range.
 */
export const OPS_PORT = 9464;

/**
 * The ops port of a service Slipway made (its runtime reads OPS_PORT), moved aside if the service
 * itself listens on 9464; undefined for an adopted project, which serves everything on its one port.
 */
export function opsPortOf(target: DeployTarget): number | undefined {
  if (!target.managed) return undefined;
  return target.port === OPS_PORT ? OPS_PORT + 1 : OPS_PORT;
}
