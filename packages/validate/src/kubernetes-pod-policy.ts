// Slipway's pod rules: hardened containers, pinned images, secrets by reference, probes, no owner credential.
import { type Json, arrayOrEmpty, isObject } from './json-shapes.js';

const SECRET_ENV = /(PASSWORD|PASSWD|SECRET|TOKEN|API_KEY|PRIVATE_KEY|CREDENTIAL|DATABASE_URL|CONNECTION_STRING)/i;

function podTemplateOf(doc: Json): Json | undefined {
  const spec = doc['spec'];
  if (!isObject(spec)) return undefined;
  const template = spec['template'];
  return isObject(template) && isObject(template['spec']) ? template['spec'] : undefined;
}

/** Secrets a container reads: env secretKeyRef, envFrom secretRef, and mounted secret volumes. */
function secretsReadBy(container: Json, pod: Json): Array<{ secret: string; env?: string }> {
  const reads: Array<{ secret: string; env?: string }> = [];
  for (const env of arrayOrEmpty(container['env']).filter(isObject)) {
    const ref = isObject(env['valueFrom']) ? env['valueFrom']['secretKeyRef'] : undefined;
    if (isObject(ref)) reads.push({ secret: String(ref['name']), env: String(env['name']) });
  }
  for (const from of arrayOrEmpty(container['envFrom']).filter(isObject)) {
    if (isObject(from['secretRef'])) reads.push({ secret: String(from['secretRef']['name']) });
  }
  const mounted = new Set(
    arrayOrEmpty(container['volumeMounts'])
      .filter(isObject)
      .map((m) => String(m['name'])),
  );
  for (const volume of arrayOrEmpty(pod['volumes']).filter(isObject)) {
    if (mounted.has(String(volume['name'])) && isObject(volume['secret'])) reads.push({ secret: String(volume['secret']['secretName']) });
  }
  return reads;
}

/**
 * The serving containers never get the database owner: the owner Secrets (`*-db-owner`, and any
 * Secret behind DATABASE_MIGRATION_URL) are read by init containers only, the one-shot migration.
 */
export function ownerSecretProblems(pod: Json): string[] {
  const containers = arrayOrEmpty(pod['containers']).filter(isObject);
  const initContainers = arrayOrEmpty(pod['initContainers']).filter(isObject);
  const owners = new Set<string>();
  for (const container of [...containers, ...initContainers]) {
    for (const read of secretsReadBy(container, pod)) {
      if (read.env === 'DATABASE_MIGRATION_URL' || /-db-owner$/.test(read.secret)) owners.add(read.secret);
    }
  }
  const problems: string[] = [];
  for (const container of containers) {
    const name = String(container['name']);
    if (arrayOrEmpty(container['env']).some((e) => isObject(e) && e['name'] === 'DATABASE_MIGRATION_URL')) {
      problems.push(`container ${name}: DATABASE_MIGRATION_URL (the database owner) belongs in the migration init container, not in a serving container`);
    }
    for (const secret of new Set(
      secretsReadBy(container, pod)
        .map((r) => r.secret)
        .filter((s) => owners.has(s)),
    )) {
      problems.push(
        `container ${name}: reads the database owner's Secret "${secret}"; only the migration init container may, the service reads the serving login's Secret`,
      );
    }
  }
  return problems;
}

/** The security context and image rules, for serving and init containers alike. */
function containerHardeningProblems(container: Json, podContext: Json): string[] {
  const problems: string[] = [];
  const name = String(container['name']);
  const context = isObject(container['securityContext']) ? container['securityContext'] : {};
  const runAsNonRoot = context['runAsNonRoot'] ?? podContext['runAsNonRoot'];
  if (runAsNonRoot !== true) problems.push(`container ${name}: securityContext.runAsNonRoot must be true`);
  if (context['readOnlyRootFilesystem'] !== true) problems.push(`container ${name}: securityContext.readOnlyRootFilesystem must be true`);
  if (context['allowPrivilegeEscalation'] !== false) problems.push(`container ${name}: securityContext.allowPrivilegeEscalation must be false`);
  const drop = isObject(context['capabilities']) ? arrayOrEmpty(context['capabilities']['drop']) : [];
  if (!drop.includes('ALL')) problems.push(`container ${name}: securityContext.capabilities.drop must include ALL`);
  const image = String(container['image'] ?? '');
  const tagged = image.includes('@sha256:') || /:[^/]+$/.test(image);
  if (!tagged || /:latest$/.test(image)) problems.push(`container ${name}: image "${image}" must carry a version tag or digest, not latest`);
  for (const env of arrayOrEmpty(container['env']).filter(isObject)) {
    if (typeof env['value'] === 'string' && SECRET_ENV.test(String(env['name']))) {
      problems.push(`container ${name}: env ${String(env['name'])} looks like a secret; reference it with valueFrom.secretKeyRef instead of a literal value`);
    }
  }
  return problems;
}

/** Slipway's pod rules: hardened security contexts, pinned images, secrets only by reference, probes, no owner credential in a serving container. */
export function podPolicyProblems(doc: Json): string[] {
  const pod = podTemplateOf(doc);
  if (!pod) return [];
  const problems: string[] = [];
  const podContext = isObject(pod['securityContext']) ? pod['securityContext'] : {};
  for (const container of arrayOrEmpty(pod['initContainers']).filter(isObject)) problems.push(...containerHardeningProblems(container, podContext));
  problems.push(...ownerSecretProblems(pod));
  for (const container of arrayOrEmpty(pod['containers']).filter(isObject)) {
    const name = String(container['name']);
    problems.push(...containerHardeningProblems(container, podContext));
    for (const probe of ['livenessProbe', 'readinessProbe']) {
      if (!isObject(container[probe])) problems.push(`container ${name}: ${probe} is missing`);
    }
  }
  return problems;
}
