import type { JSONRPCMessage, McpServerFactory, Transport } from '@modelcontextprotocol/server';

/**
 * The JSON-RPC answers one exchange's transport sent. The SDK wraps a single answer in
 * `Response.json(answer)`; writing `JSON.stringify(answer)` instead gives the same bytes without
 * reading them back through the Response's web stream.
 */
export class AnswerCapture {
  answer: unknown;
  count = 0;

  /** The body to write for `response`, or undefined when it isn't exactly one captured JSON answer. */
  bodyFor(response: Response, requestId: unknown): string | undefined {
    if (this.count !== 1 || response.status !== 200) return undefined;
    if (response.headers.get('content-type') !== 'application/json') return undefined;
    if ((this.answer as { id?: unknown }).id !== requestId) return undefined;
    return JSON.stringify(this.answer);
  }
}

type Connectable = { connect(transport: Transport): Promise<void> };

// A shape check, not the SDK's isJSONRPC* guards: those run a zod parse of the whole message, result
// included, and the transport runs them anyway. bodyFor checks what matters before a capture is used.
function isAnswer(message: JSONRPCMessage): boolean {
  return !('method' in message) && ('result' in message || 'error' in message);
}

function watchAnswers(server: Connectable, capture: AnswerCapture): void {
  const connect = server.connect.bind(server);
  server.connect = async (transport) => {
    await connect(transport);
    const send = transport.send.bind(transport);
    transport.send = (message, options) => {
      if (isAnswer(message)) {
        capture.count += 1;
        capture.answer = message;
      }
      return send(message, options);
    };
  };
}

/**
 * A factory whose servers report their answers to the capture registered for the web Request they
 * serve (the SDK hands that Request to the factory as `requestInfo`). Each capture belongs to one
 * request: nothing is shared between requests.
 */
export function capturingFactory(factory: McpServerFactory, captures: WeakMap<Request, AnswerCapture>): McpServerFactory {
  return async (ctx) => {
    const server = await factory(ctx);
    const capture = ctx.requestInfo === undefined ? undefined : captures.get(ctx.requestInfo);
    if (capture !== undefined) watchAnswers(server, capture);
    return server;
  };
}
