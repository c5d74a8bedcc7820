// What a deployed resource exposes to the network.
import { bodyOf, resourcesOf, varsOf } from './bicep-declarations.js';
import { type Json, bodyReadings } from './bicep-json.js';
import { type BicepFile, at } from './bicep-tree.js';
import type { ValidationProblem } from './types.js';

const asJson = (value: unknown): Json => (typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Json) : {});
const objectAt = (value: unknown, key: string): Json => asJson(asJson(value)[key]);
const arrayAt = (value: unknown, key: string): unknown[] => {
  const child = asJson(value)[key];
  return Array.isArray(child) ? child : [];
};

/**
 * What a resource exposes: a Key Vault (it holds DATABASE_URL) must not be reachable from every network,
 * and a Container App whose runtime has an ops port (OPS_PORT: /metrics, /readyz) must not route the
 * ingress to it, and probes readiness there (the public port no longer serves /readyz).
 */
export function exposureProblems(file: BicepFile): ValidationProblem[] {
  const problems = new Set<string>();
  const vars = varsOf(file);
  for (const use of resourcesOf(file)) {
    if (use.existing) continue;
    const type = use.type.toLowerCase();
    for (const body of bodyReadings(bodyOf(use.node), vars)) {
      const properties = objectAt(body, 'properties');
      if (type === 'microsoft.keyvault/vaults') {
        const closed = properties['publicNetworkAccess'] === 'Disabled' || objectAt(properties, 'networkAcls')['defaultAction'] === 'Deny';
        if (!closed) {
          problems.add(
            `${at(use.node)}: Key Vault is reachable from every network (publicNetworkAccess is not 'Disabled' and networkAcls.defaultAction is not 'Deny'); make it private (publicNetworkAccess: 'Disabled' with a private endpoint) or firewall it (networkAcls: { defaultAction: 'Deny', bypass: 'AzureServices' })`,
          );
        }
      }
      if (type === 'microsoft.app/containerapps') {
        const targetPort = objectAt(objectAt(properties, 'configuration'), 'ingress')['targetPort'];
        for (const container of arrayAt(objectAt(properties, 'template'), 'containers')) {
          const ops = arrayAt(container, 'env').find((e) => asJson(e)['name'] === 'OPS_PORT');
          const opsPort = Number(asJson(ops)['value']);
          if (!Number.isInteger(opsPort)) continue;
          if (targetPort === opsPort) {
            problems.add(
              `${at(use.node)}: ingress targetPort ${opsPort} is the ops port (OPS_PORT): /metrics and /readyz would be public; target the service port`,
            );
          }
          for (const probe of arrayAt(container, 'probes')) {
            const port = objectAt(probe, 'httpGet')['port'];
            if (asJson(probe)['type'] === 'Readiness' && typeof port === 'number' && port !== opsPort) {
              problems.add(`${at(use.node)}: the readiness probe is on port ${port}, but with OPS_PORT=${opsPort} /readyz is served only on ${opsPort}`);
            }
          }
        }
      }
    }
  }
  return [...problems].map((message) => ({ file: file.path, message }));
}
