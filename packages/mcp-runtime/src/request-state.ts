import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import type { ServerContext } from '@modelcontextprotocol/server';
import type { Logger } from 'pino';
import { ConfigError } from './config.js';

/**
 * Seals and opens the `requestState` of input-required (multi-round-trip) results. The state travels
 * through the client, so it is signed (HMAC-SHA256) and bound to the method and the caller: a client
 * can read it but not change it, replay it past its expiry, or hand it to another principal.
 */
export interface RequestStateCodec {
  seal(payload: unknown, ctx: ServerContext): string;
  /** The payload, or a throw (`malformed`, `mac`, `expired`, `bind`): the SDK answers -32602. */
  open(state: string, ctx: ServerContext): unknown;
}

export interface RequestStateCodecOptions {
  /** The first key signs; every key verifies, so a new key can be rolled out before the old one is dropped. */
  keys: readonly string[];
  /** How long a sealed state stays valid. Default 600 s. */
  ttlSeconds?: number;
  /** For tests. */
  now?: () => number;
}

const PREFIX = 'v1.';
/** RFC 2104 advice for SHA-256 keys; anything shorter is guessable. */
export const MIN_KEY_BYTES = 32;

function b64url(bytes: Buffer): string {
  return bytes.toString('base64url');
}

/** Who the state belongs to: the method it was minted for and the authenticated client, if any. */
function binding(ctx: ServerContext): string {
  const auth = ctx.http?.authInfo;
  const sub = auth?.extra?.['sub'];
  const principal = auth === undefined ? '' : `${auth.clientId}\0${typeof sub === 'string' ? sub : JSON.stringify(sub ?? '')}`;
  return `${ctx.mcpReq.method}\0${principal}`;
}

export function createRequestStateCodec(options: RequestStateCodecOptions): RequestStateCodec {
  if (options.keys.length === 0) throw new TypeError('createRequestStateCodec needs at least one key');
  const keys = options.keys.map((key, index) => {
    const bytes = Buffer.from(key, 'utf8');
    if (bytes.byteLength < MIN_KEY_BYTES) {
      throw new TypeError(`requestState key ${index + 1} is ${bytes.byteLength} bytes: use at least ${MIN_KEY_BYTES}`);
    }
    return bytes;
  });
  const ttlSeconds = options.ttlSeconds ?? 600;
  const now = options.now ?? Date.now;
  const mac = (key: Buffer, text: string) => createHmac('sha256', key).update(text).digest();

  return {
    seal(payload, ctx) {
      const envelope = { p: payload, exp: Math.floor(now() / 1000) + ttlSeconds, b: b64url(mac(keys[0]!, `bind:${binding(ctx)}`)) };
      const body = b64url(Buffer.from(JSON.stringify(envelope), 'utf8'));
      return `${PREFIX}${body}.${b64url(mac(keys[0]!, PREFIX + body))}`;
    },
    open(state, ctx) {
      const dot = state.lastIndexOf('.');
      if (!state.startsWith(PREFIX) || dot <= PREFIX.length) throw new Error('malformed');
      const body = state.slice(PREFIX.length, dot);
      const given = Buffer.from(state.slice(dot + 1), 'base64url');
      const key = keys.find((candidate) => {
        const expected = mac(candidate, PREFIX + body);
        return given.byteLength === expected.byteLength && timingSafeEqual(given, expected);
      });
      if (key === undefined) throw new Error('mac');
      let envelope: { p?: unknown; exp?: unknown; b?: unknown };
      try {
        envelope = JSON.parse(Buffer.from(body, 'base64url').toString('utf8')) as typeof envelope;
      } catch {
        throw new Error('malformed');
      }
      if (typeof envelope.exp !== 'number' || envelope.exp < Math.floor(now() / 1000)) throw new Error('expired');
      const expectedBind = Buffer.from(b64url(mac(key, `bind:${binding(ctx)}`)));
      const givenBind = Buffer.from(typeof envelope.b === 'string' ? envelope.b : '');
      if (givenBind.byteLength !== expectedBind.byteLength || !timingSafeEqual(givenBind, expectedBind)) throw new Error('bind');
      return envelope.p;
    },
  };
}

/** The config fields the codec reads; `baseConfigSchema` has both. */
export interface RequestStateConfig {
  REQUEST_STATE_KEYS?: readonly string[];
  NODE_ENV?: string | undefined;
}

/**
 * The codec for a service's configuration. Every replica must share the keys (a state minted by one is
 * verified by another), so production refuses to start without them; development gets a per-process key.
 */
export function requestStateCodecFromConfig(config: RequestStateConfig, logger?: Logger): RequestStateCodec {
  const keys = config.REQUEST_STATE_KEYS ?? [];
  if (keys.length > 0) {
    try {
      return createRequestStateCodec({ keys });
    } catch (error) {
      throw new ConfigError(`Invalid configuration: REQUEST_STATE_KEYS ${(error as Error).message}`, ['REQUEST_STATE_KEYS']);
    }
  }
  if (config.NODE_ENV === 'production') {
    throw new ConfigError(
      'Invalid configuration: REQUEST_STATE_KEYS is required when NODE_ENV=production: set one secret of at least 32 bytes shared by every replica (a comma-separated list to rotate: the first signs, all verify), e.g. from `openssl rand -base64 48`',
      ['REQUEST_STATE_KEYS'],
    );
  }
  logger?.warn(
    "REQUEST_STATE_KEYS is not set: input-required state is signed with a per-process key (development only; replicas would reject each other's state)",
  );
  return createRequestStateCodec({ keys: [randomBytes(48).toString('base64url')] });
}
