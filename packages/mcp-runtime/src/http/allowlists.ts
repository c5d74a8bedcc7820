// The one place that decides which Host and Origin headers /mcp accepts (DNS-rebinding and
// cross-site protection). config.ts validates ALLOWED_HOSTS / ALLOWED_ORIGINS entries with the same
// parsers, so an entry that passes start-up is one these checks can match.

/** The MCP Inspector's UI origin: in direct mode its browser page calls /mcp itself. */
export const INSPECTOR_ORIGIN = 'http://localhost:6274';

export type Parsed<T> = { ok: true; value: T } | { ok: false; message: string };

const LOOPBACK_HOSTS = ['localhost', '127.0.0.1', '[::1]'];
// host or [ipv6], then an optional :port. Anything else (scheme, path, userinfo) is not a Host.
const HOST_PORT = /^(\[[^\]]*\]|[^:[\]/]+)(?::(\d{1,5}))?$/;

/**
 * Canonical `scheme://host[:port]`, lower-cased, default port elided, as browsers serialize the
 * Origin header; undefined for anything that is not exactly an origin (`null`, paths, userinfo...).
 */
export function canonicalOrigin(value: string): string | undefined {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return undefined;
  }
  if (url.hostname === '' || url.username !== '' || url.password !== '') return undefined;
  if (url.search !== '' || url.hash !== '' || (url.pathname !== '' && url.pathname !== '/')) return undefined;
  return `${url.protocol}//${url.host}`.toLowerCase();
}

/** An ALLOWED_ORIGINS entry: an origin, never a bare host name or a wildcard. */
export function parseOriginEntry(entry: string): Parsed<string> {
  if (entry.includes('*')) return { ok: false, message: `entry "${entry}" has a wildcard: list each origin` };
  const origin = entry.includes('://') ? canonicalOrigin(entry) : undefined;
  if (origin !== undefined) return { ok: true, value: origin };
  const scheme = LOOPBACK_HOSTS.some((host) => entry.toLowerCase().startsWith(host)) ? 'http' : 'https';
  const hint = entry.includes('://') ? 'e.g. https://app.example.com' : `${scheme}://${entry}`;
  return { ok: false, message: `entry "${entry}" is not an origin (scheme://host[:port], no path): write ${hint}` };
}

/** `host[:port]` split and lower-cased; undefined when it is not a valid Host value. */
function splitHost(value: string): { hostname: string; port?: number } | undefined {
  const match = HOST_PORT.exec(value.toLowerCase());
  if (match === null) return undefined;
  const hostname = match[1]!;
  let parsed: string;
  try {
    parsed = new URL(`http://${hostname}`).hostname;
  } catch {
    return undefined;
  }
  // The URL parser rewrites odd names (percent-escapes, IPv4 shorthands): accept only names it keeps.
  if (parsed !== hostname) return undefined;
  if (match[2] === undefined) return { hostname };
  const port = Number(match[2]);
  return port >= 1 && port <= 65535 ? { hostname, port } : undefined;
}

/** An ALLOWED_HOSTS entry: a host name with an optional port that the Host header must then carry. */
export function parseHostEntry(entry: string): Parsed<string> {
  const host = splitHost(entry);
  if (host !== undefined) return { ok: true, value: host.port === undefined ? host.hostname : `${host.hostname}:${host.port}` };
  return {
    ok: false,
    message: `entry "${entry}" is not a host name with an optional port: write e.g. mcp.example.com or mcp.example.com:8443`,
  };
}

/**
 * Loopback origins for local development when ALLOWED_ORIGINS is unset: pages served on this very
 * port and the MCP Inspector. Any other local page (a dev server, another app on localhost:6666)
 * is a different origin and must be listed, since a browser on this machine can reach loopback.
 */
export function loopbackOrigins(port: number): string[] {
  return [`http://localhost:${port}`, `http://127.0.0.1:${port}`, `http://[::1]:${port}`, INSPECTOR_ORIGIN];
}

export interface HeaderGuardOptions {
  /** Canonical ALLOWED_HOSTS entries: `name` (any port) or `name:port`. */
  allowedHosts: readonly string[];
  /** Canonical origins; a function when they depend on the bound port (the loopback defaults). */
  allowedOrigins: readonly string[] | (() => readonly string[]);
}

export interface HeaderGuard {
  /** An error message for a refused Host header, undefined when accepted. */
  checkHost(value: string | undefined): string | undefined;
  /** An error message for a refused Origin header, undefined when accepted or absent. */
  checkOrigin(value: string | undefined): string | undefined;
}

const CACHE_LIMIT = 256;

/** Remembers accepted header values (bounded), so the hot path skips parsing for known hosts/origins. */
function cached(check: (value: string) => string | undefined): (value: string) => string | undefined {
  const accepted = new Set<string>();
  return (value) => {
    if (accepted.has(value)) return undefined;
    const error = check(value);
    if (error === undefined && accepted.size < CACHE_LIMIT) accepted.add(value);
    return error;
  };
}

export function createHeaderGuard(options: HeaderGuardOptions): HeaderGuard {
  const hosts = new Set(options.allowedHosts);
  const origins = options.allowedOrigins;
  const originAllowed = typeof origins === 'function' ? (origin: string) => origins().includes(origin) : (origin: string) => origins.includes(origin);

  const checkHost = cached((value) => {
    const host = splitHost(value);
    if (host === undefined) return `Invalid Host header: ${value}`;
    const allowed = hosts.has(host.hostname) || (host.port !== undefined && hosts.has(`${host.hostname}:${host.port}`));
    return allowed ? undefined : `Invalid Host: ${value}`;
  });
  const checkOrigin = cached((value) => {
    const origin = canonicalOrigin(value);
    if (origin === undefined) return `Invalid Origin header: ${value}`;
    return originAllowed(origin) ? undefined : `Invalid Origin: ${origin}`;
  });

  return {
    checkHost: (value) => (value === undefined || value === '' ? 'Missing Host header' : checkHost(value)),
    // Non-browser clients send no Origin; only browser requests carry the header this defends against.
    checkOrigin: (value) => (value === undefined || value === '' ? undefined : checkOrigin(value)),
  };
}
