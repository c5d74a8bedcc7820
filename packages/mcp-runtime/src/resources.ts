import type { AuthInfo, CacheHint, ReadResourceResult } from '@modelcontextprotocol/server';

/** Suggests values for one template variable (`completion/complete`); `context` holds the variables already chosen. */
export type CompleteVariable = (value: string, context?: { arguments?: Record<string, string> }) => string[] | Promise<string[]>;

export interface ResourceContext {
  readonly requestId: string;
  readonly signal: AbortSignal;
  readonly authInfo?: AuthInfo;
  /** Template variables when the resource was declared with `uriTemplate`; empty otherwise. */
  readonly variables: Readonly<Record<string, string | string[]>>;
}

/** What `read` may return: text, one content item, or a full ReadResourceResult. */
export type ResourceReadValue = string | { text: string; mimeType?: string } | { blob: string; mimeType?: string } | ReadResourceResult;

interface ResourceCommon {
  name: string;
  title?: string;
  description?: string;
  mimeType?: string;
  /** How long clients may cache what `read` returns (2026-07-28 `ttlMs`/`cacheScope`); default: not at all. */
  cacheHint?: CacheHint;
  read: (uri: URL, ctx: ResourceContext) => Promise<ResourceReadValue> | ResourceReadValue;
}

export type ResourceConfig = ResourceCommon &
  ({ uri: string; uriTemplate?: never; complete?: never } | { uriTemplate: string; uri?: never; complete?: Record<string, CompleteVariable> });

export interface ResourceDefinition {
  readonly kind: 'resource';
  readonly name: string;
  /** Set for a fixed-URI resource. */
  readonly uri?: string;
  /** Set for an RFC 6570 template resource, e.g. `notes://{id}`. */
  readonly uriTemplate?: string;
  readonly title?: string;
  readonly description?: string;
  readonly mimeType?: string;
  readonly cacheHint?: CacheHint;
  /** Completions for template variables, by variable name. */
  readonly complete?: Readonly<Record<string, CompleteVariable>>;
  read(uri: URL, ctx: ResourceContext): Promise<ResourceReadValue> | ResourceReadValue;
}

/** Declares a resource with a fixed `uri`, or a `uriTemplate` whose variables reach `ctx.variables`. */
export function defineResource(config: ResourceConfig): ResourceDefinition {
  if (config.uri !== undefined) new URL(config.uri); // fail at start-up on a malformed URI
  if (config.uri === undefined && config.uriTemplate === undefined) {
    throw new TypeError(`Resource "${(config as ResourceCommon).name}" needs a uri or a uriTemplate`);
  }
  return Object.freeze({ kind: 'resource' as const, ...config });
}

/** Turns what `read` returned into a ReadResourceResult. */
export function toReadResourceResult(uri: URL, value: ResourceReadValue, mimeType: string | undefined): ReadResourceResult {
  if (typeof value === 'string') {
    return { contents: [{ uri: uri.href, text: value, ...(mimeType !== undefined && { mimeType }) }] };
  }
  if ('contents' in value && Array.isArray(value.contents)) return value;
  const item = value as { text?: unknown; blob?: unknown; mimeType?: unknown };
  const type = typeof item.mimeType === 'string' ? item.mimeType : mimeType;
  const typed = type !== undefined ? { mimeType: type } : {};
  if (typeof item.blob === 'string') return { contents: [{ uri: uri.href, blob: item.blob, ...typed }] };
  if (typeof item.text === 'string') return { contents: [{ uri: uri.href, text: item.text, ...typed }] };
  throw new TypeError('A resource read must return a string, {text}, {blob} or {contents}');
}
