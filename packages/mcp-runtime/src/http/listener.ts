import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { ConfigError } from '../config.js';

const DRAIN_POLL_MS = 50;

export function formatUrl(host: string, port: number): string {
  return `http://${host.includes(':') ? `[${host}]` : host}:${port}`;
}

/** Binds `server`; resolves with the bound port (the real one when `port` is 0). */
export async function listen(server: Server, port: number, host: string): Promise<number> {
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  return (server.address() as AddressInfo).port;
}

function delay(ms: number): { promise: Promise<void>; cancel(): void } {
  let timer: NodeJS.Timeout | undefined;
  const promise = new Promise<void>((resolve) => {
    timer = setTimeout(resolve, ms);
  });
  return { promise, cancel: () => clearTimeout(timer) };
}

/**
 * Stops accepting, lets in-flight requests finish for up to `timeoutMs`, then destroys what is left.
 * Resolves true when the timeout was reached.
 */
export async function drainServer(server: Server, timeoutMs: number): Promise<boolean> {
  const closed = new Promise<void>((resolve) => server.close(() => resolve()));
  // Connections that finish a response started before the drain stay keep-alive: close them once idle.
  server.closeIdleConnections();
  const poll = setInterval(() => server.closeIdleConnections(), DRAIN_POLL_MS);
  const deadline = delay(timeoutMs);
  const timedOut = await Promise.race([closed.then(() => false), deadline.promise.then(() => true)]);
  deadline.cancel();
  clearInterval(poll);
  if (timedOut) {
    server.closeAllConnections();
    await closed;
  }
  return timedOut;
}

/** A bind that failed on the configuration (HOST, PORT, OPS_PORT) becomes one line naming it; else the error itself. */
export function listenError(error: unknown, variable: 'PORT' | 'OPS_PORT', host: string, port: number): unknown {
  const code = (error as { code?: unknown } | null)?.code;
  const hostText = JSON.stringify(host);
  switch (code) {
    case 'EADDRNOTAVAIL':
      return new ConfigError(
        `Invalid configuration: HOST ${hostText} is not an address of this machine (EADDRNOTAVAIL): use 0.0.0.0 (every interface), 127.0.0.1 or one of its own addresses`,
        ['HOST'],
      );
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
    case 'EAI_FAIL':
      return new ConfigError(
        `Invalid configuration: HOST ${hostText} does not resolve (${code}): use an IP address such as 0.0.0.0 or 127.0.0.1, or a name this machine resolves`,
        ['HOST'],
      );
    case 'EADDRINUSE':
      return new ConfigError(`Invalid configuration: ${variable} ${port} is already in use on ${hostText}: stop the other process or pick another port`, [
        variable,
      ]);
    case 'EACCES':
      return new ConfigError(`Invalid configuration: ${variable} ${port} needs privileges to bind on ${hostText}: use a port from 1024 up`, [variable]);
    default:
      return error;
  }
}
