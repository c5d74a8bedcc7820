/**
 * Compose policy: the serving containers never get the database owner's credential. The owner is
 * what a PostgreSQL container is started with (POSTGRES_USER, default `postgres`, and the variable or
 * secret behind POSTGRES_PASSWORD[_FILE]); only DATABASE_MIGRATION_URL on a one-shot migration
 * service (no ports, awaited with `service_completed_successfully`) may carry it.
 */

type Value = unknown;
type Service = Record<string, Value>;

const isObject = (value: Value): value is Service => typeof value === 'object' && value !== null && !Array.isArray(value);

/** A service's environment as name → value, from either the map or the list form. */
function environment(service: Service): Array<[string, string]> {
  const env = service['environment'];
  if (Array.isArray(env)) {
    return env.map((item) => {
      const text = String(item);
      const eq = text.indexOf('=');
      return eq === -1 ? [text, ''] : [text.slice(0, eq), text.slice(eq + 1)];
    });
  }
  return isObject(env) ? Object.entries(env).map(([k, v]) => [k, v === null || v === undefined ? '' : String(v)]) : [];
}

/** Variables compose interpolates in a value (`${NAME...}`, `$NAME`), not the escaped `$$NAME`. */
function variablesIn(value: string): string[] {
  return [...value.matchAll(/(?<!\$)\$(?:\{([A-Za-z_][A-Za-z0-9_]*)|([A-Za-z_][A-Za-z0-9_]*))/g)].map((m) => m[1] ?? m[2]!);
}

/** The user of a `scheme://user[:password]@host` URL. */
function urlUser(value: string): string | undefined {
  const user = /^[a-z][a-z0-9+.-]*:\/\/([^:/@\s]+)(?::[^@]*)?@/i.exec(value.trim())?.[1];
  if (user === undefined) return undefined;
  try {
    return decodeURIComponent(user);
  } catch {
    return user;
  }
}

function secretNames(service: Service): string[] {
  const secrets = service['secrets'];
  return Array.isArray(secrets) ? secrets.map((s) => (isObject(s) ? String(s['source']) : String(s))) : [];
}

interface Owner {
  readonly users: Set<string>;
  readonly variables: Set<string>;
  readonly secrets: Set<string>;
  readonly servers: Set<string>;
}

function ownerOf(services: Record<string, Value>): Owner {
  const owner: Owner = { users: new Set(), variables: new Set(), secrets: new Set(), servers: new Set() };
  for (const [name, service] of Object.entries(services)) {
    if (!isObject(service)) continue;
    const env = new Map(environment(service));
    if (!env.has('POSTGRES_PASSWORD') && !env.has('POSTGRES_PASSWORD_FILE')) continue;
    owner.servers.add(name);
    owner.users.add(env.get('POSTGRES_USER') || 'postgres');
    for (const variable of variablesIn(env.get('POSTGRES_PASSWORD') ?? '')) owner.variables.add(variable);
    const file = /^\/run\/secrets\/([^/]+)$/.exec(env.get('POSTGRES_PASSWORD_FILE') ?? '')?.[1];
    if (file !== undefined) owner.secrets.add(file);
  }
  return owner;
}

/** Awaited by another service until it exits successfully, and serving nothing: a migration step. */
function isOneShot(name: string, service: Service, services: Record<string, Value>): boolean {
  if (Array.isArray(service['ports']) && service['ports'].length > 0) return false;
  return Object.values(services).some((other) => {
    const dependsOn = isObject(other) ? other['depends_on'] : undefined;
    const spec = isObject(dependsOn) ? dependsOn[name] : undefined;
    return isObject(spec) && spec['condition'] === 'service_completed_successfully';
  });
}

export function ownerCredentialProblems(services: Record<string, Value>): string[] {
  const owner = ownerOf(services);
  const problems: string[] = [];
  for (const [name, service] of Object.entries(services)) {
    if (!isObject(service) || owner.servers.has(name)) continue;
    const where = `services.${name}`;
    const env = environment(service);
    const migration = env.some(([key]) => key === 'DATABASE_MIGRATION_URL');
    const oneShot = migration && isOneShot(name, service, services);
    if (migration && !oneShot) {
      problems.push(
        `${where} has DATABASE_MIGRATION_URL (the database owner) but is not a one-shot migration service: move it to a service without ports that the others await with condition: service_completed_successfully`,
      );
    }
    for (const [key, value] of env) {
      if (key === 'DATABASE_MIGRATION_URL' && oneShot) continue;
      const variable = variablesIn(value).find((v) => owner.variables.has(v));
      if (variable !== undefined) {
        problems.push(
          `${where}.environment.${key} passes the database owner's password (\${${variable}}) to a container that is not the migration step; connect as the serving login with its own password`,
        );
      }
      const user = urlUser(value);
      if (user !== undefined && owner.users.has(user)) {
        problems.push(
          `${where}.environment.${key} connects as the PostgreSQL owner "${user}"; only DATABASE_MIGRATION_URL on the one-shot migrate service may, the service uses the serving login`,
        );
      }
    }
    for (const secret of secretNames(service).filter((s) => owner.secrets.has(s) && !oneShot)) {
      problems.push(`${where} mounts the secret "${secret}", the database owner's password; only the one-shot migrate service may`);
    }
  }
  return problems;
}
