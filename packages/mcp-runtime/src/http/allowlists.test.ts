import { describe, expect, it } from 'vitest';
import { createHeaderGuard, loopbackOrigins, parseOriginEntry } from './allowlists.js';

describe('Origin check (scheme, host and port compared exactly)', () => {
  const guard = createHeaderGuard({ allowedHosts: ['localhost'], allowedOrigins: loopbackOrigins(3000) });

  it.each(['http://localhost:3000', 'http://127.0.0.1:3000', 'http://[::1]:3000', 'http://localhost:6274', 'HTTP://LOCALHOST:3000'])(
    'accepts %s by default (an upper-case spelling is the same origin)',
    (origin) => {
      expect(guard.checkOrigin(origin)).toBeUndefined();
    },
  );

  it.each([
    'ftp://localhost',
    'ftp://localhost:3000',
    'https://localhost:3000',
    'http://localhost',
    'http://localhost:6666',
    'http://localhost.evil.com',
    'http://LOCALHOST.EVIL.COM:3000',
    'HTTP://LOCALHOST:6666',
    'null',
    'http://localhost:3000@evil.com',
    'http://evil.com#http://localhost:3000',
    'localhost',
  ])('refuses %s', (origin) => {
    expect(guard.checkOrigin(origin)).toMatch(/^Invalid Origin/);
  });

  it('lets requests without an Origin header pass (non-browser clients)', () => {
    expect(guard.checkOrigin(undefined)).toBeUndefined();
    expect(guard.checkOrigin('')).toBeUndefined();
  });

  it('matches configured origins on their port, with default ports elided', () => {
    const configured = createHeaderGuard({
      allowedHosts: ['localhost'],
      allowedOrigins: ['https://app.example.com', 'http://localhost:5173'].map((entry) => (parseOriginEntry(entry) as { value: string }).value),
    });
    expect(configured.checkOrigin('https://app.example.com')).toBeUndefined();
    expect(configured.checkOrigin('https://app.example.com:443')).toBeUndefined();
    expect(configured.checkOrigin('https://app.example.com:8443')).toBeDefined();
    expect(configured.checkOrigin('http://app.example.com')).toBeDefined();
    expect(configured.checkOrigin('http://localhost:5173')).toBeUndefined();
    expect(configured.checkOrigin('http://localhost:3000')).toBeDefined();
  });

  it('reads a lazy list on every miss (the defaults follow the bound port)', () => {
    let port = 0;
    const lazy = createHeaderGuard({ allowedHosts: ['localhost'], allowedOrigins: () => loopbackOrigins(port) });
    port = 4321;
    expect(lazy.checkOrigin('http://localhost:4321')).toBeUndefined();
  });
});

describe('Host check', () => {
  const guard = createHeaderGuard({ allowedHosts: ['localhost', '[::1]', 'mcp.example.com:8443'], allowedOrigins: [] });

  it.each(['localhost', 'localhost:3000', 'LOCALHOST:3000', '[::1]:3000', 'mcp.example.com:8443', 'MCP.Example.com:8443'])('accepts %s', (host) => {
    expect(guard.checkHost(host)).toBeUndefined();
  });

  it.each(['mcp.example.com', 'mcp.example.com:443', 'mcp.example.com:8444', 'localhost.evil.com', 'evil.com', '127.0.0.1'])('refuses %s', (host) => {
    expect(guard.checkHost(host)).toMatch(/^Invalid Host: /);
  });

  it.each(['localhost:', 'localhost:99999', 'user@localhost', 'localhost/x', 'http://localhost'])('refuses the malformed %s', (host) => {
    expect(guard.checkHost(host)).toMatch(/^Invalid Host header: /);
  });

  it('refuses a missing Host header', () => {
    expect(guard.checkHost(undefined)).toBe('Missing Host header');
  });
});
