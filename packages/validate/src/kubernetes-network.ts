// What a workload exposes: NetworkPolicy peers and Service ports.
import { type Json, arrayOrEmpty, isObject } from './json-shapes.js';

const ANYWHERE = new Set(['0.0.0.0/0', '::/0']);

/**
 * NetworkPolicy rules that name no peer: a rule without `to`/`from` (or with an ipBlock of the whole
 * address space) matches every address, so a compromised pod could reach, or be reached from, anything.
 */
export function networkPolicyProblems(doc: Json): string[] {
  if (doc['kind'] !== 'NetworkPolicy' || !isObject(doc['spec'])) return [];
  const problems: string[] = [];
  for (const [direction, peers] of [
    ['egress', 'to'],
    ['ingress', 'from'],
  ] as const) {
    arrayOrEmpty(doc['spec'][direction]).forEach((rule, index) => {
      const list = isObject(rule) ? arrayOrEmpty(rule[peers]).filter(isObject) : [];
      const where = `${direction}[${index}]`;
      if (list.length === 0) {
        problems.push(
          `${where} has no \`${peers}\`, so it allows ${direction === 'egress' ? 'traffic to' : 'traffic from'} any address; name the peers (namespaceSelector/podSelector, or an ipBlock)`,
        );
      }
      for (const peer of list) {
        const cidr = isObject(peer['ipBlock']) ? String(peer['ipBlock']['cidr']) : undefined;
        if (cidr !== undefined && ANYWHERE.has(cidr)) problems.push(`${where}: ipBlock ${cidr} is every address; allow only the networks the service needs`);
      }
    });
  }
  return problems;
}

/** The runtime's ops port (OPS_PORT: /metrics, /readyz) is for the cluster's probes and Prometheus, never a Service. */
export function serviceProblems(doc: Json): string[] {
  if (doc['kind'] !== 'Service' || !isObject(doc['spec'])) return [];
  return arrayOrEmpty(doc['spec']['ports'])
    .filter(isObject)
    .filter((port) => port['targetPort'] === 'ops' || port['name'] === 'ops')
    .map(
      (port) =>
        `port ${String(port['name'] ?? port['port'])} exposes the ops port (/metrics, /readyz); Services carry the http port only, Prometheus scrapes the pods directly`,
    );
}
