import type { IncomingMessage, ServerResponse } from 'node:http';
import {
  WebStandardStreamableHTTPServerTransport,
  type AuthInfo,
  createMcpHandler,
  isJsonContentType,
  isLegacyRequest,
  type McpServerFactory,
  PROTOCOL_VERSION_META_KEY,
} from '@modelcontextprotocol/server';
import type { BearerAuth } from '../auth/bearer.js';
import type { ToolCallGate } from '../limits/gate.js';
import type { EventBus } from '../events/bus.js';
import { toServerEventBus } from '../events/sdk-bus.js';
import type { HeaderGuard } from './allowlists.js';
import { AnswerCapture, capturingFactory } from './answer-capture.js';
import { REQUEST_ID_HEADER } from '../request-context.js';
import { readBoundedBody } from './request-body.js';
import { sendJson, sendJsonRpcError } from './responses.js';

export interface McpEndpointOptions {
  factory: McpServerFactory;
  /** Tools whose calls must keep the SSE answer (they send notifications mid-call). */
  streamingTools: ReadonlySet<string>;
  /** What `subscriptions/listen` streams hear. */
  events: EventBus;
  /** Host and Origin validation; the SDK's own (transport option) stays off, so this alone decides. */
  guard: HeaderGuard;
  maxRequestBodyBytes: number;
  /**
   * Answer 2025-era requests with one JSON body instead of SSE, except calls to streaming tools.
   * Default true.
   */
  jsonResponses?: boolean;
  /** When set, every /mcp request needs a valid bearer token; its AuthInfo reaches the handlers. */
  auth?: BearerAuth;
  /** Rate limits: refused tool calls are answered 429 with a JSON-RPC error, before the SDK sees them. */
  gate?: ToolCallGate;
  onerror: (error: Error) => void;
}

export interface McpEndpoint {
  handle(req: IncomingMessage, res: ServerResponse, requestId: string): Promise<void>;
  close(): Promise<void>;
}

const JSON_RPC_PARSE_ERROR = -32700;
const JSON_RPC_SERVER_ERROR = -32000;

function noop(): void {}

function toWebHeaders(rawHeaders: readonly string[], requestId: string): Headers {
  const headers = new Headers();
  for (let i = 0; i < rawHeaders.length; i += 2) {
    const name = rawHeaders[i]!;
    if (name.length === REQUEST_ID_HEADER.length && name.toLowerCase() === REQUEST_ID_HEADER) continue;
    headers.append(name, rawHeaders[i + 1]!);
  }
  headers.set(REQUEST_ID_HEADER, requestId);
  return headers;
}

function isEventStream(contentType: string | null): boolean {
  return contentType !== null && contentType.startsWith('text/event-stream');
}

function waitForDrain(res: ServerResponse): Promise<void> {
  return new Promise((resolve) => {
    const done = () => {
      res.off('drain', done);
      res.off('close', done);
      resolve();
    };
    res.on('drain', done);
    res.on('close', done);
  });
}

async function streamBody(res: ServerResponse, body: ReadableStream<Uint8Array>): Promise<void> {
  const reader = body.getReader();
  // A client that goes away cancels the stream, which tears down the SDK exchange.
  const cancel = () => void reader.cancel().catch(noop);
  res.once('close', cancel);
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done || res.destroyed) break;
      if (!res.write(value)) await waitForDrain(res);
    }
  } catch {
    // The stream errored or was cancelled: the client is gone or the exchange was torn down.
  } finally {
    res.off('close', cancel);
    if (!res.destroyed && !res.writableEnded) res.end();
  }
}

async function writeWebResponse(res: ServerResponse, response: Response, captured?: string): Promise<void> {
  const headers: Record<string, string> = {};
  for (const [name, value] of response.headers) headers[name] = value;
  if (captured !== undefined) {
    // The same bytes as the Response's body, which is left unread.
    headers['content-length'] = String(Buffer.byteLength(captured));
    res.writeHead(response.status, headers);
    res.end(captured);
    return;
  }
  const body = response.body;
  if (body === null) {
    res.writeHead(response.status, headers);
    res.end();
    return;
  }
  if (isEventStream(response.headers.get('content-type'))) {
    res.writeHead(response.status, headers);
    res.flushHeaders();
    await streamBody(res, body);
    return;
  }
  const payload = new Uint8Array(await response.arrayBuffer());
  headers['content-length'] = String(payload.byteLength);
  res.writeHead(response.status, headers);
  res.end(payload);
}

/** Whether a parsed 2025-era body may be answered with JSON: single messages, except streaming tools' calls. */
function jsonAnswerable(body: unknown, streamingTools: ReadonlySet<string>): boolean {
  if (body === null || typeof body !== 'object' || Array.isArray(body)) return false;
  const message = body as { method?: unknown; params?: { name?: unknown } };
  if (message.method !== 'tools/call' || streamingTools.size === 0) return true;
  const name = message.params?.name;
  return typeof name !== 'string' || !streamingTools.has(name);
}

/**
 * Whether a parsed body carries the 2026-07-28 envelope claim (`params._meta` naming a protocol
 * version). Such a request is never legacy, whatever else it holds: the SDK's modern path answers or
 * rejects it (isLegacyRequest's documented rule; `initialize` is the one exception it makes).
 */
function claimsModernEnvelope(body: unknown): boolean {
  if (body === null || typeof body !== 'object' || Array.isArray(body)) return false;
  const { method, params } = body as { method?: unknown; params?: { _meta?: unknown } };
  if (typeof method !== 'string' || method === 'initialize' || params === null || typeof params !== 'object') return false;
  const meta = params._meta;
  return meta !== null && typeof meta === 'object' && !Array.isArray(meta) && PROTOCOL_VERSION_META_KEY in meta;
}

/** The id of a single JSON-RPC request body, to match the captured answer against. */
function requestIdOf(body: unknown): unknown {
  return body !== null && typeof body === 'object' && !Array.isArray(body) ? (body as { id?: unknown }).id : undefined;
}

/**
 * The Node adapter for `/mcp`: Host/Origin validation, Content-Type check, one bounded body read and
 * one JSON parse, then the SDK's handler with `parsedBody`; the answer is written with a single `end`
 * unless it streams.
 */
export function createMcpEndpoint(options: McpEndpointOptions): McpEndpoint {
  const { factory, streamingTools, maxRequestBodyBytes, onerror, guard } = options;
  const jsonResponses = options.jsonResponses ?? true;
  const bus = toServerEventBus(options.events, (error) => onerror(error instanceof Error ? error : new Error(String(error))));
  // Each request's answer is captured on its way out, so that a one-body JSON answer skips the stream read.
  const captures = new WeakMap<Request, AnswerCapture>();
  const serverFor = capturingFactory(factory, captures);
  const handler = createMcpHandler(serverFor, { onerror, maxRequestBodySize: maxRequestBodyBytes, bus });
  const legacyOptions = { maxRequestBodySize: maxRequestBodyBytes };

  /** 2025-era serving with a JSON answer: a stateless transport with enableJsonResponse. */
  async function serveLegacyAsJson(request: Request, parsedBody: unknown, authInfo: AuthInfo | undefined): Promise<Response> {
    const server = await serverFor({ era: 'legacy', requestInfo: request, ...(authInfo !== undefined && { authInfo }) });
    const transport = new WebStandardStreamableHTTPServerTransport({
      sessionIdGenerator: undefined,
      enableJsonResponse: true,
      maxRequestBodySize: maxRequestBodyBytes,
    });
    await server.connect(transport);
    const teardown = () => {
      transport.close().catch(noop);
      server.close().catch(noop);
    };
    request.signal.addEventListener('abort', teardown, { once: true });
    try {
      return await transport.handleRequest(request, { parsedBody, ...(authInfo !== undefined && { authInfo }) });
    } finally {
      request.signal.removeEventListener('abort', teardown);
      teardown();
    }
  }

  async function handle(req: IncomingMessage, res: ServerResponse, requestId: string): Promise<void> {
    const refused = guard.checkHost(req.headers.host) ?? guard.checkOrigin(req.headers.origin);
    if (refused !== undefined) return sendJsonRpcError(res, 403, JSON_RPC_SERVER_ERROR, refused);

    // Before the body is read: an unauthenticated client gets the challenge and costs nothing more.
    let authInfo: AuthInfo | undefined;
    if (options.auth !== undefined) {
      const outcome = await options.auth.authenticate(req.headers.authorization);
      if (!outcome.ok) {
        for (const [name, value] of Object.entries(outcome.headers)) res.setHeader(name, value);
        return sendJson(res, outcome.status, outcome.body);
      }
      authInfo = outcome.authInfo;
    }

    const method = req.method ?? 'GET';
    let parsedBody: unknown;
    if (method === 'POST') {
      if (!isJsonContentType(req.headers['content-type'])) {
        return sendJsonRpcError(res, 415, JSON_RPC_SERVER_ERROR, 'Unsupported Media Type: Content-Type must be application/json');
      }
      const read = await readBoundedBody(req, maxRequestBodyBytes);
      if (read.kind === 'aborted') {
        res.destroy();
        return;
      }
      if (read.kind === 'too-large') {
        res.setHeader('connection', 'close');
        return sendJsonRpcError(res, 413, JSON_RPC_SERVER_ERROR, `Payload Too Large: Request body must not exceed ${maxRequestBodyBytes} bytes`);
      }
      try {
        parsedBody = JSON.parse(read.body.toString('utf8'));
      } catch {
        return sendJsonRpcError(res, 400, JSON_RPC_PARSE_ERROR, 'Parse error: the request body is not valid JSON');
      }
      if (options.gate !== undefined) {
        const refusal = await options.gate.admit(parsedBody, authInfo, requestId);
        if (refusal !== undefined) {
          res.setHeader('retry-after', String(Math.ceil(refusal.retryAfterMs / 1000)));
          return sendJson(res, 429, refusal.body);
        }
      }
    }

    const controller = new AbortController();
    res.once('close', () => {
      if (!res.writableFinished) controller.abort();
    });
    const request = new Request(`http://${req.headers.host}${req.url ?? '/'}`, {
      method,
      headers: toWebHeaders(req.rawHeaders, requestId),
      signal: controller.signal,
    });
    const capture = new AnswerCapture();
    captures.set(request, capture);
    let response: Response;
    if (
      jsonResponses &&
      parsedBody !== undefined &&
      jsonAnswerable(parsedBody, streamingTools) &&
      // The envelope claim settles it without the SDK's classification, which handler.fetch repeats.
      !claimsModernEnvelope(parsedBody) &&
      (await isLegacyRequest(request, parsedBody, legacyOptions))
    ) {
      response = await serveLegacyAsJson(request, parsedBody, authInfo);
    } else if (authInfo !== undefined) {
      response = await handler.fetch(request, { authInfo, ...(parsedBody !== undefined && { parsedBody }) });
    } else {
      response = await handler.fetch(request, parsedBody === undefined ? undefined : { parsedBody });
    }
    await writeWebResponse(res, response, capture.bodyFor(response, requestIdOf(parsedBody)));
  }

  return { handle, close: () => handler.close() };
}
