import {
  CLIENT_CAPABILITIES_META_KEY,
  inputResponse,
  type AuthInfo,
  type ClientCapabilities,
  type InputResponseView,
  type LoggingLevel,
  type ServerContext,
} from '@modelcontextprotocol/server';
import type { EventBus, ServiceEvent } from './events/bus.js';
import type { RequestStateCodec } from './request-state.js';

/** What a tool or prompt handler can do within its own request, on both protocol eras. */
export interface RequestFeatures {
  /** The HTTP X-Request-Id when served over HTTP, otherwise the JSON-RPC request id. */
  readonly requestId: string;
  /** Aborted when the client cancels or disconnects, or the service shuts down. */
  readonly signal: AbortSignal;
  readonly authInfo?: AuthInfo;
  /** The SDK's request context, for advanced uses. */
  readonly mcp: ServerContext;
  /**
   * What the client declared it can do (2026-07-28: sent with every request); undefined on 2025-era
   * requests, where the SDK checks capabilities itself before sending a request to the client.
   */
  readonly clientCapabilities: ClientCapabilities | undefined;
  /** Reports progress when the client asked for it (sent a progress token); a no-op otherwise. */
  progress(progress: number, options?: { total?: number; message?: string }): Promise<void>;
  /**
   * Sends a log message to the client, only at or above the level the client set (2026-07-28: per
   * request; without a level nothing is sent). For the service's own logs, use `logger`.
   */
  log(level: LoggingLevel, data: unknown): Promise<void>;
  /** Tells every `subscriptions/listen` stream (all replicas, with a shared bus) that something changed. */
  publish(event: ServiceEvent): Promise<void>;
  /** The client's answer to the input request `key` of the previous round (input-required results). */
  input(key: string): InputResponseView;
  /** The verified payload this round's `requestState` carried, or undefined on the first round. */
  requestState<T = unknown>(): T | undefined;
  /** Signs `payload` into the `requestState` of an input-required result (readable, not changeable, by the client). */
  sealState(payload: unknown): string;
}

/** The per-service dependencies of request features, built once. */
export interface RequestFeatureDeps {
  readonly events: EventBus;
  readonly requestState: () => RequestStateCodec;
}

/** The header the HTTP layer sets on the web Request so handlers see the access-log request id. */
export const REQUEST_ID_HEADER = 'x-request-id';

export function requestIdOf(sdk: ServerContext): string {
  return sdk.http?.req?.headers.get(REQUEST_ID_HEADER) ?? String(sdk.mcpReq.id);
}

/** The base of the tool and prompt contexts: cheap to build, work is done only when a method is called. */
export class RequestContext implements RequestFeatures {
  readonly requestId: string;

  constructor(
    readonly mcp: ServerContext,
    private readonly deps: RequestFeatureDeps,
    requestId: string = requestIdOf(mcp),
  ) {
    this.requestId = requestId;
  }

  get signal(): AbortSignal {
    return this.mcp.mcpReq.signal;
  }

  get authInfo(): AuthInfo | undefined {
    return this.mcp.http?.authInfo;
  }

  get clientCapabilities(): ClientCapabilities | undefined {
    // The SDK's published envelope type is `{}`, so the reserved key is read through a record.
    const envelope = this.mcp.mcpReq.envelope as Readonly<Record<string, unknown>> | undefined;
    return envelope?.[CLIENT_CAPABILITIES_META_KEY] as ClientCapabilities | undefined;
  }

  async progress(progress: number, options: { total?: number; message?: string } = {}): Promise<void> {
    const progressToken = this.mcp.mcpReq._meta?.progressToken;
    if (progressToken === undefined) return;
    await this.mcp.mcpReq.notify({
      method: 'notifications/progress',
      params: {
        progressToken,
        progress,
        ...(options.total !== undefined && { total: options.total }),
        ...(options.message !== undefined && { message: options.message }),
      },
    });
  }

  log(level: LoggingLevel, data: unknown): Promise<void> {
    // The SDK applies the client's level (and sends nothing on 2026-07-28 without one).
    return this.mcp.mcpReq.log(level, data);
  }

  publish(event: ServiceEvent): Promise<void> {
    return this.deps.events.publish(event);
  }

  input(key: string): InputResponseView {
    return inputResponse(this.mcp.mcpReq.inputResponses, key);
  }

  requestState<T = unknown>(): T | undefined {
    // The SDK ran the codec's `open` (ServerOptions.requestState.verify) before the handler.
    return this.mcp.mcpReq.requestState<T>();
  }

  sealState(payload: unknown): string {
    return this.deps.requestState().seal(payload, this.mcp);
  }
}
