import { z } from 'zod';
import type { ServiceEvent } from './bus.js';

/**
 * What travels between replicas. The channel is shared input: anyone who can log in to the database
 * may NOTIFY on it, so every message is size-checked and validated before it reaches a listener.
 */
export const MAX_EVENT_BYTES = 7_000; // PostgreSQL refuses NOTIFY payloads of 8000 bytes or more.

const name = z.string().regex(/^[A-Za-z0-9_.-]{1,128}$/);
const uri = z
  .string()
  .min(1)
  .max(2_048)
  .refine((value) => URL.canParse(value), 'not a URI');

const serviceEvent = z.discriminatedUnion('type', [
  z.strictObject({ type: z.literal('tools/list_changed') }),
  z.strictObject({ type: z.literal('resources/list_changed') }),
  z.strictObject({ type: z.literal('prompts/list_changed') }),
  z.strictObject({ type: z.literal('resources/updated'), uri }),
  z.strictObject({ type: z.literal('custom'), name, payload: z.json().optional() }),
]);

const envelope = z.strictObject({
  v: z.literal(1),
  /** The replica that published it: it has delivered the event to its own listeners already. */
  origin: z.string().min(1).max(64),
  event: serviceEvent,
});

export type Envelope = z.output<typeof envelope>;

export class EventTooLargeError extends Error {
  override readonly name = 'EventTooLargeError';
}

/** The NOTIFY payload for `event`; throws (nothing sent) when it is not a valid event or too large. */
export function encodeEvent(origin: string, event: ServiceEvent): string {
  const checked = serviceEvent.safeParse(event);
  if (!checked.success) throw new TypeError(`Invalid event: ${checked.error.issues.map((i) => `${i.path.join('.')} ${i.message}`).join('; ')}`);
  const text = JSON.stringify({ v: 1, origin, event: checked.data });
  const bytes = Buffer.byteLength(text);
  if (bytes > MAX_EVENT_BYTES) {
    throw new EventTooLargeError(
      `Event of ${bytes} bytes exceeds the ${MAX_EVENT_BYTES}-byte limit of the event bus: publish an id and let listeners read the rest`,
    );
  }
  return text;
}

export type Decoded = { ok: true; envelope: Envelope } | { ok: false; reason: 'too_large' | 'not_json' | 'invalid' };

export function decodeEvent(payload: string | undefined): Decoded {
  if (payload === undefined || payload.length > MAX_EVENT_BYTES) return { ok: false, reason: 'too_large' };
  let raw: unknown;
  try {
    raw = JSON.parse(payload);
  } catch {
    return { ok: false, reason: 'not_json' };
  }
  const parsed = envelope.safeParse(raw);
  return parsed.success ? { ok: true, envelope: parsed.data } : { ok: false, reason: 'invalid' };
}
