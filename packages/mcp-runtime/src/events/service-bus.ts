import type { Logger } from 'pino';
import type { Registry } from 'prom-client';
import type { BaseConfig } from '../config.js';
import type { Database } from '../database/types.js';
import { createInProcessBus, type EventBus } from './bus.js';

export type EventBusConfig = Partial<Pick<BaseConfig, 'DATABASE_URL' | 'DATABASE_CONNECT_TIMEOUT_MS'>>;

/**
 * The bus for a service: PostgreSQL LISTEN/NOTIFY when DATABASE_URL is set (every replica hears every
 * event), else this process only (PGlite, no database). The pg module is imported only in the first case.
 */
export async function createServiceEventBus(
  config: EventBusConfig,
  options: { logger?: Logger; database?: Database; channel?: string } = {},
): Promise<EventBus> {
  const { logger } = options;
  if (config.DATABASE_URL === undefined || config.DATABASE_URL === '') {
    return createInProcessBus((error) => logger?.error({ err: error }, 'event listener threw'));
  }
  const { createPostgresBus } = await import('./postgres-bus.js');
  return createPostgresBus({
    url: config.DATABASE_URL,
    ...(options.database?.kind === 'postgres' && { publisher: options.database }),
    ...(options.channel !== undefined && { channel: options.channel }),
    ...(config.DATABASE_CONNECT_TIMEOUT_MS !== undefined && { connectTimeoutMs: config.DATABASE_CONNECT_TIMEOUT_MS }),
    ...(logger !== undefined && { logger }),
  });
}

/** Puts a bus's own counters (reconnects, dropped messages) on the service's registry, if it has any. */
export function registerBusMetrics(bus: EventBus | undefined, registry: Registry | undefined): void {
  if (bus === undefined || registry === undefined) return;
  const metered = bus as EventBus & { registerMetrics?: (registry: Registry) => void };
  metered.registerMetrics?.(registry);
}
