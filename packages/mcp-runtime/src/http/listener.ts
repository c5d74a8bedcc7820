import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';

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
