import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Registry } from 'prom-client';
import { memoryLogger } from '../__fixtures__/http-client.js';
import { DatabaseSetupError } from '../database/errors.js';
import { openDatabase } from '../database/open.js';
import type { Database } from '../database/types.js';
import type { ServiceEvent } from './bus.js';
import { createPostgresBus, type PostgresEventBus } from './postgres-bus.js';
import { createServiceEventBus } from './service-bus.js';
import { MAX_EVENT_BYTES } from './wire.js';

const POSTGRES_URL = process.env['SLIPWAY_TEST_DATABASE_URL'];

function collect(bus: PostgresEventBus) {
  const events: ServiceEvent[] = [];
  const waiters: Array<() => void> = [];
  bus.subscribe((event) => {
    events.push(event);
    for (const wake of waiters.splice(0)) wake();
  });
  const until = async (count: number, timeoutMs = 5_000) => {
    const deadline = Date.now() + timeoutMs;
    while (events.length < count) {
      if (Date.now() > deadline) throw new Error(`waited for ${count} events, got ${events.length}`);
      await new Promise<void>((resolve) => {
        waiters.push(resolve);
        setTimeout(resolve, 50);
      });
    }
    return events;
  };
  return { events, until };
}

const percentile = (sorted: number[], p: number) => sorted[Math.min(sorted.length - 1, Math.floor((sorted.length * p) / 100))]!;

describe('in-process bus when there is no DATABASE_URL', () => {
  it('delivers within the process', async () => {
    const bus = await createServiceEventBus({});
    const seen: ServiceEvent[] = [];
    bus.subscribe((event) => seen.push(event));
    await bus.publish({ type: 'tools/list_changed' });
    expect(seen).toEqual([{ type: 'tools/list_changed' }]);
    await bus.close();
  });
});

describe.skipIf(POSTGRES_URL === undefined)('PostgreSQL LISTEN/NOTIFY bus', () => {
  const channel = `bus_test_${process.pid}`;
  const { logger, lines } = memoryLogger();
  let admin: Database;
  let a: PostgresEventBus;
  let b: PostgresEventBus;
  const registry = new Registry();

  beforeAll(async () => {
    admin = await openDatabase({ url: POSTGRES_URL!, dataDir: '', poolSize: 2 });
    a = await createPostgresBus({ url: POSTGRES_URL!, channel, logger, publisher: admin });
    b = await createPostgresBus({ url: POSTGRES_URL!, channel, logger, backoff: { initialMs: 50, maxMs: 200 } });
    b.registerMetrics(registry);
  }, 30_000);
  afterAll(async () => {
    await a?.close();
    await b?.close();
    await admin?.close();
  });

  it('carries an event published on one replica to the other, once to each', async () => {
    const onA = collect(a);
    const onB = collect(b);
    await a.publish({ type: 'resources/updated', uri: 'notes://42' });
    expect(await onB.until(1)).toEqual([{ type: 'resources/updated', uri: 'notes://42' }]);
    await new Promise((resolve) => setTimeout(resolve, 100));
    // A heard its own event locally, and not a second time from the channel.
    expect(onA.events).toEqual([{ type: 'resources/updated', uri: 'notes://42' }]);
  });

  it('measures cross-replica latency (p50/p99 over 200 events)', async () => {
    const latencies: number[] = [];
    let sentAt = 0;
    let wake: () => void = () => undefined;
    const stop = b.subscribe((event) => {
      if (event.type === 'custom' && event.name === 'latency') {
        latencies.push(performance.now() - sentAt);
        wake();
      }
    });
    for (let i = 0; i < 200; i++) {
      const received = new Promise<void>((resolve) => (wake = resolve));
      sentAt = performance.now();
      await a.publish({ type: 'custom', name: 'latency', payload: { i } });
      await received;
    }
    stop();
    latencies.sort((x, y) => x - y);
    const [p50, p99] = [percentile(latencies, 50), percentile(latencies, 99)];
    console.log(`event bus latency across replicas: p50 ${p50.toFixed(2)} ms, p99 ${p99.toFixed(2)} ms (n=200)`);
    expect(p99).toBeLessThan(1_000);
  });

  it('drops hostile or malformed messages on the channel, counting them, and still delivers valid ones', async () => {
    const onB = collect(b);
    const hostile = [
      'not json',
      JSON.stringify({ v: 1, origin: 'x', event: { type: 'tools/list_changed', extra: 'field' } }),
      JSON.stringify({ v: 1, origin: 'x', event: { type: 'resources/updated', uri: 'no scheme' } }),
      JSON.stringify({ v: 1, origin: 'x', event: { type: 'custom', name: 'bad name with spaces' } }),
      JSON.stringify({ v: 2, origin: 'x', event: { type: 'tools/list_changed' } }),
      JSON.stringify({ v: 1, origin: 'x', event: { type: 'custom', name: 'big', payload: 'x'.repeat(7_500) } }),
    ];
    for (const payload of hostile) await admin.query('SELECT pg_notify($1, $2)', [channel, payload]);
    await admin.query('SELECT pg_notify($1, $2)', [channel, JSON.stringify({ v: 1, origin: 'elsewhere', event: { type: 'prompts/list_changed' } })]);
    expect(await onB.until(1)).toEqual([{ type: 'prompts/list_changed' }]);
    const dropped = await registry.getSingleMetricAsString('mcp_event_bus_dropped_total');
    expect(dropped).toContain('reason="not_json"} 1');
    expect(dropped).toContain('reason="invalid"} 4');
    expect(dropped).toContain('reason="too_large"} 1');
  });

  it('refuses to publish an event that is invalid or too large for NOTIFY', async () => {
    await expect(a.publish({ type: 'custom', name: 'big', payload: 'x'.repeat(MAX_EVENT_BYTES) })).rejects.toThrow(/exceeds the 7000-byte limit/);
    await expect(a.publish({ type: 'resources/updated', uri: '' })).rejects.toThrow(/Invalid event: uri/);
  });

  it('reconnects after its connection is killed, with a log line and a metric, and delivers again', async () => {
    const onB = collect(b);
    const killed = await admin.query<{ n: number }>(
      `SELECT count(pg_terminate_backend(pid))::int AS n FROM pg_stat_activity WHERE application_name = 'slipway-event-bus' AND query LIKE $1`,
      [`LISTEN ${channel}`],
    );
    expect(killed.rows[0]!.n).toBe(2);
    await new Promise((resolve) => setTimeout(resolve, 100));
    await b.connected();
    await a.connected();
    expect(lines.some((l) => l['msg'] === 'event bus reconnected: events published while it was down were not received')).toBe(true);
    expect(await registry.getSingleMetricAsString('mcp_event_bus_reconnects_total')).toMatch(/mcp_event_bus_reconnects_total 1$/m);
    await a.publish({ type: 'tools/list_changed' });
    expect(await onB.until(1)).toEqual([{ type: 'tools/list_changed' }]);
  }, 20_000);

  it('fails at start-up on a URL it cannot use, naming no password', async () => {
    const bad = new URL(POSTGRES_URL!);
    bad.port = '1';
    bad.password = 'secret-pw';
    const error = await createPostgresBus({ url: bad.toString(), connectTimeoutMs: 500 }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(DatabaseSetupError);
    expect((error as Error).message).toMatch(/^DATABASE_URL: cannot connect to 127\.0\.0\.1:1/);
    expect(String(error)).not.toContain('secret-pw');
  });
});
