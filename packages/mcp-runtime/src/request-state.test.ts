import type { ServerContext } from '@modelcontextprotocol/server';
import { describe, expect, it } from 'vitest';
import { memoryLogger } from './__fixtures__/http-client.js';
import { ConfigError } from './config.js';
import { createRequestStateCodec, requestStateCodecFromConfig } from './request-state.js';

const KEY_A = 'a'.repeat(32);
const KEY_B = 'b'.repeat(48);

/** Only what the codec reads: the method and the authenticated client. */
function ctx(method = 'tools/call', clientId?: string): ServerContext {
  return {
    mcpReq: { method },
    ...(clientId !== undefined && { http: { authInfo: { token: 't', clientId, scopes: [] } } }),
  } as unknown as ServerContext;
}

/** Changes one character of the body (before the last dot), keeping valid base64url. */
function tamperBody(state: string): string {
  const at = 5;
  return state.slice(0, at) + (state[at] === 'A' ? 'B' : 'A') + state.slice(at + 1);
}

describe('requestState codec', () => {
  it('opens what it sealed, and the client can read but not change it', () => {
    const codec = createRequestStateCodec({ keys: [KEY_A] });
    const state = codec.seal({ round: 2, name: 'Ada' }, ctx());
    expect(codec.open(state, ctx())).toEqual({ round: 2, name: 'Ada' });
    expect(() => codec.open(tamperBody(state), ctx())).toThrow('mac');
    expect(() => codec.open(`${state.slice(0, -2)}xx`, ctx())).toThrow('mac');
    expect(() => codec.open('{"round":2}', ctx())).toThrow('malformed');
    // Re-signing with a key the service does not hold is the same as tampering.
    expect(() => codec.open(createRequestStateCodec({ keys: [KEY_B] }).seal({ round: 2 }, ctx()), ctx())).toThrow('mac');
  });

  it('refuses a state past its lifetime', () => {
    let now = Date.parse('2026-11-29T00:00:00Z');
    const codec = createRequestStateCodec({ keys: [KEY_A], ttlSeconds: 60, now: () => now });
    const state = codec.seal({ step: 1 }, ctx());
    now += 59_000;
    expect(codec.open(state, ctx())).toEqual({ step: 1 });
    now += 2_000;
    expect(() => codec.open(state, ctx())).toThrow('expired');
  });

  it('rotates without downtime: the first key signs, every listed key verifies', () => {
    const before = createRequestStateCodec({ keys: [KEY_A] });
    const during = createRequestStateCodec({ keys: [KEY_B, KEY_A] });
    const after = createRequestStateCodec({ keys: [KEY_B] });
    const old = before.seal({ n: 1 }, ctx());
    expect(during.open(old, ctx())).toEqual({ n: 1 });
    const fresh = during.seal({ n: 2 }, ctx());
    expect(after.open(fresh, ctx())).toEqual({ n: 2 });
    expect(() => after.open(old, ctx())).toThrow('mac');
  });

  it('binds a state to its method and its authenticated client', () => {
    const codec = createRequestStateCodec({ keys: [KEY_A] });
    const alice = codec.seal({ n: 1 }, ctx('tools/call', 'alice'));
    expect(codec.open(alice, ctx('tools/call', 'alice'))).toEqual({ n: 1 });
    expect(() => codec.open(alice, ctx('tools/call', 'mallory'))).toThrow('bind');
    expect(() => codec.open(alice, ctx('prompts/get', 'alice'))).toThrow('bind');
  });

  it('refuses keys too short to be secret', () => {
    expect(() => createRequestStateCodec({ keys: ['short'] })).toThrow(/at least 32/);
    expect(() => requestStateCodecFromConfig({ REQUEST_STATE_KEYS: [KEY_A, 'short'] })).toThrow(ConfigError);
  });

  it('needs REQUEST_STATE_KEYS in production, and says how to set it', () => {
    const refused = (() => {
      try {
        requestStateCodecFromConfig({ REQUEST_STATE_KEYS: [], NODE_ENV: 'production' });
      } catch (error) {
        return error;
      }
      return undefined;
    })();
    expect(refused).toBeInstanceOf(ConfigError);
    expect((refused as ConfigError).variables).toEqual(['REQUEST_STATE_KEYS']);
    expect((refused as ConfigError).message).toMatch(/REQUEST_STATE_KEYS is required when NODE_ENV=production.*shared by every replica/);
  });

  it('uses a per-process key in development, with a warning', () => {
    const { logger, lines } = memoryLogger();
    const codec = requestStateCodecFromConfig({ REQUEST_STATE_KEYS: [] }, logger);
    expect(codec.open(codec.seal('x', ctx()), ctx())).toBe('x');
    expect(lines.map((l) => l['msg'])).toEqual([expect.stringMatching(/REQUEST_STATE_KEYS is not set.*development only/)]);
  });
});
