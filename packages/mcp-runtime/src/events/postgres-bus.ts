import { randomUUID } from 'node:crypto';
import type { Client, ClientConfig } from 'pg';
import type { Logger } from 'pino';
import { Counter, type Registry } from 'prom-client';
import { connectError, DEFAULT_CONNECT_TIMEOUT_MS } from '../database/open.js';
import type { Queryable } from '../database/types.js';
import { redactUrlCredentials } from '../logger.js';
import { createInProcessBus, type EventBus } from './bus.js';
import { decodeEvent, encodeEvent } from './wire.js';

export interface PostgresBusOptions {
  /** The serving login (DATABASE_URL): LISTEN and NOTIFY need no grants. */
  url: string;
  /** Publishes through this (the service's pool) instead of the listening connection. */
  publisher?: Queryable;
  /** Every replica of one service must use the same channel, and other services another. */
  channel?: string;
  logger?: Logger;
  connectTimeoutMs?: number;
  /** First and largest reconnect delay; doubled per failed attempt, with jitter. */
  backoff?: { initialMs: number; maxMs: number };
}

export interface PostgresEventBus extends EventBus {
  /** The reconnect and dropped-message counters, on the service's /metrics registry. */
  registerMetrics(registry: Registry): void;
  /** Resolves once the listening connection is (back) up; for tests and readiness. */
  connected(): Promise<void>;
}

export const DEFAULT_CHANNEL = 'slipway_events';
const CHANNEL = /^[a-z_][a-z0-9_]{0,62}$/;

/**
 * An EventBus across replicas on PostgreSQL LISTEN/NOTIFY. One dedicated connection listens; a lost
 * connection is reopened with backoff, and the reconnect is logged and counted. Delivery is
 * at-least-once while connected: NOTIFY is transactional and reaches every listening session, but a
 * replica whose connection is down misses what is published meanwhile. Local listeners hear their
 * own replica's events at once, without the round trip.
 */
export async function createPostgresBus(options: PostgresBusOptions): Promise<PostgresEventBus> {
  const channel = options.channel ?? DEFAULT_CHANNEL;
  if (!CHANNEL.test(channel)) throw new TypeError(`Invalid event bus channel "${channel}": use 1-63 of a-z 0-9 _ (not starting with a digit)`);
  const { default: pg } = await import('pg');
  const logger = options.logger;
  const backoff = options.backoff ?? { initialMs: 250, maxMs: 30_000 };
  const origin = randomUUID();
  const local = createInProcessBus((error) => logger?.error({ err: error }, 'event listener threw'));
  const counters: { reconnects?: Counter; dropped?: Counter<'reason'> } = {};
  let client: Client | undefined;
  let closed = false;
  let up: { promise: Promise<void>; resolve: () => void } = deferred();

  function onNotification(message: { channel: string; payload?: string }): void {
    if (message.channel !== channel) return;
    const decoded = decodeEvent(message.payload);
    if (!decoded.ok) {
      counters.dropped?.inc({ reason: decoded.reason });
      logger?.warn({ channel, reason: decoded.reason }, 'event bus: dropped a message that is not a valid event');
      return;
    }
    if (decoded.envelope.origin === origin) return;
    void local.publish(decoded.envelope.event);
  }

  async function connect(): Promise<Client> {
    const config: ClientConfig = {
      connectionString: options.url,
      keepAlive: true,
      connectionTimeoutMillis: options.connectTimeoutMs ?? DEFAULT_CONNECT_TIMEOUT_MS,
      application_name: 'slipway-event-bus',
    };
    const next = new pg.Client(config);
    next.on('notification', onNotification);
    // 'error' then 'end' on a lost connection: one reconnect, from 'end'.
    next.on('error', (error) => logger?.warn({ err: error }, 'event bus connection error'));
    try {
      await next.connect();
      await next.query(`LISTEN ${channel}`);
    } catch (error) {
      next.removeAllListeners('end');
      await next.end().catch(() => undefined);
      throw error;
    }
    return next;
  }

  async function keepConnected(lostAt: number | undefined): Promise<void> {
    for (let attempt = 1; !closed; attempt++) {
      try {
        const next = await connect();
        if (closed) {
          await next.end().catch(() => undefined);
          return;
        }
        client = next;
        next.once('end', () => {
          if (client === next) client = undefined;
          if (!closed) {
            up = deferred();
            logger?.warn({ channel }, 'event bus: connection lost, reconnecting');
            void keepConnected(Date.now());
          }
        });
        if (lostAt !== undefined) {
          counters.reconnects?.inc();
          logger?.warn(
            { channel, attempts: attempt, downMs: Date.now() - lostAt, url: redactUrlCredentials(options.url) },
            'event bus reconnected: events published while it was down were not received',
          );
        }
        up.resolve();
        return;
      } catch (error) {
        if (lostAt === undefined && attempt === 1) {
          throw connectError(error, options.url, 'DATABASE_URL', options.connectTimeoutMs ?? DEFAULT_CONNECT_TIMEOUT_MS) ?? error;
        }
        const delay = Math.min(backoff.maxMs, backoff.initialMs * 2 ** Math.min(attempt - 1, 16));
        logger?.debug({ err: error, attempt, delayMs: delay }, 'event bus: reconnect failed');
        await new Promise((resolve) => setTimeout(resolve, delay * (0.5 + Math.random() / 2)).unref());
      }
    }
  }

  // The first connection must work: a wrong URL is a start-up error, not an endless retry.
  await keepConnected(undefined);

  return {
    async publish(event) {
      const payload = encodeEvent(origin, event);
      await local.publish(event);
      if (options.publisher !== undefined) {
        await options.publisher.query('SELECT pg_notify($1, $2)', [channel, payload]);
        return;
      }
      if (client === undefined) throw new Error('event bus: not connected to the database; the event reached this replica only');
      await client.query('SELECT pg_notify($1, $2)', [channel, payload]);
    },
    subscribe: (listener) => local.subscribe(listener),
    connected: () => up.promise,
    registerMetrics(registry) {
      counters.reconnects = new Counter({
        name: 'mcp_event_bus_reconnects_total',
        help: 'Times the event bus reopened its LISTEN connection after losing it (events published meanwhile were missed).',
        registers: [registry],
      });
      counters.dropped = new Counter({
        name: 'mcp_event_bus_dropped_total',
        help: 'Messages on the event bus channel dropped because they were not valid events.',
        labelNames: ['reason'],
        registers: [registry],
      });
    },
    async close() {
      closed = true;
      const last = client;
      client = undefined;
      await last?.end().catch(() => undefined);
      await local.close();
    },
  };
}

function deferred(): { promise: Promise<void>; resolve: () => void } {
  let resolve!: () => void;
  const promise = new Promise<void>((r) => (resolve = r));
  return { promise, resolve };
}
