import {
  isInputRequiredResult,
  McpServer,
  ResourceTemplate,
  type CacheHint,
  type CallToolResult,
  type InputRequiredResult,
  type McpServerFactory,
  type ServerCapabilities,
  type ServerContext,
  type StandardSchemaWithJSON,
  type ToolAnnotations,
  type Variables,
} from '@modelcontextprotocol/server';
import { pino, type Logger } from 'pino';
import { errorForLog, isDatabaseUnavailable } from './database/faults.js';
import { createInProcessBus, type EventBus } from './events/bus.js';
import { withPrecomputedJsonSchema } from './json-schema.js';
import { observeToolCall, type ToolCallObservers } from './limits/audit.js';
import { ownFieldsLogger, REQUEST_ID_LOG_FIELD } from './logger.js';
import { DEFAULT_TENANT_CLAIM } from './limits/identity.js';
import type { ServiceMetrics, ToolMetricChildren, ToolOutcome } from './metrics.js';
import { toGetPromptResult, type PromptDefinition } from './prompts.js';
import { RequestContext, requestIdOf, type RequestFeatureDeps } from './request-context.js';
import { requestStateCodecFromConfig, type RequestStateCodec, type RequestStateConfig } from './request-state.js';
import { toReadResourceResult, type ResourceContext, type ResourceDefinition } from './resources.js';
import { serverCapabilitiesFor, serverSurfaceFor } from './server-surface.js';
import { ToolError, type ToolContext, type ToolDefinition } from './tools.js';

export interface Capabilities {
  tools?: ToolDefinition[];
  resources?: ResourceDefinition[];
  prompts?: PromptDefinition[];
  /** How long clients may cache each list (2026-07-28 `ttlMs`/`cacheScope`); default: not at all. */
  cacheHints?: ListCacheHints;
}

export interface ListCacheHints {
  tools?: CacheHint;
  prompts?: CacheHint;
  resources?: CacheHint;
  resourceTemplates?: CacheHint;
}

export interface ServerInfo {
  name: string;
  version: string;
  instructions?: string;
}

export interface ServerFactoryOptions {
  /** Base logger for tool contexts and unexpected tool errors; silent when omitted. */
  logger?: Logger;
  /** Records mcp_tool_calls_total and mcp_tool_call_duration_seconds when given. */
  metrics?: ServiceMetrics;
  /** The verified token's claim that names the tenant, in audit lines (RATE_LIMIT_TENANT_CLAIM). Default `tenant`. */
  tenantClaim?: string;
  /** Where `ctx.publish` sends change events, and what `subscriptions/listen` streams hear. Default: in-process. */
  events?: EventBus;
  /** Signs input-required `requestState`; built from `requestStateConfig` (REQUEST_STATE_KEYS) when omitted. */
  requestState?: RequestStateCodec;
  /** The service config's REQUEST_STATE_KEYS and NODE_ENV; without it, a per-process development key. */
  requestStateConfig?: RequestStateConfig;
}

/** The factory plus what the HTTP layer needs to know about the tool set. */
export interface BuiltServerFactory {
  factory: McpServerFactory;
  /** Tools declared `streaming: true`: their calls keep the SSE answer. */
  streamingTools: ReadonlySet<string>;
  /** The bus the factory's handlers publish to; the HTTP layer serves `subscriptions/listen` from it. */
  events: EventBus;
}

const INTERNAL_ERROR_RESULT: CallToolResult = Object.freeze({
  content: Object.freeze([Object.freeze({ type: 'text' as const, text: 'Internal error' })]) as CallToolResult['content'],
  isError: true,
});

/** What the client sees when the database is down or timed out: no driver text, which can carry addresses. */
export const DATABASE_UNAVAILABLE_MESSAGE = 'The database is unavailable; retry later.';

const DATABASE_UNAVAILABLE_RESULT: CallToolResult = Object.freeze({
  content: Object.freeze([Object.freeze({ type: 'text' as const, text: DATABASE_UNAVAILABLE_MESSAGE })]) as CallToolResult['content'],
  isError: true,
});

/** The one place a thrown handler error becomes a tool result; the detail goes to the log only. */
function errorResult(error: unknown, ctx: ToolCallContext): CallToolResult {
  if (error instanceof ToolError) return { content: [{ type: 'text', text: error.message }], isError: true };
  if (isDatabaseUnavailable(error)) {
    ctx.logger.warn({ err: errorForLog(error) }, 'tool call failed: database unavailable');
    return DATABASE_UNAVAILABLE_RESULT;
  }
  ctx.logger.error({ err: errorForLog(error) }, 'tool handler threw');
  return INTERNAL_ERROR_RESULT;
}

/** Built per call; the child logger is only created if the handler asks for it. */
class ToolCallContext extends RequestContext implements ToolContext {
  private childLogger: Logger | undefined;

  constructor(
    mcp: ServerContext,
    deps: RequestFeatureDeps,
    requestId: string,
    private readonly tool: string,
    private readonly baseLogger: Logger,
  ) {
    super(mcp, deps, requestId);
  }

  get logger(): Logger {
    return (this.childLogger ??= this.baseLogger.child({ [REQUEST_ID_LOG_FIELD]: this.requestId, tool: this.tool }));
  }
}

interface ToolEntry {
  readonly name: string;
  readonly config: {
    readonly title?: string;
    readonly description: string;
    readonly inputSchema: StandardSchemaWithJSON;
    readonly outputSchema?: StandardSchemaWithJSON;
    readonly annotations?: ToolAnnotations;
  };
  readonly callback: (args: unknown, ctx: ServerContext) => Promise<CallToolResult | InputRequiredResult>;
}

function isCallToolResultLike(value: unknown): value is CallToolResult {
  return typeof value === 'object' && value !== null && Array.isArray((value as { content?: unknown }).content);
}

function buildToolEntry(
  tool: ToolDefinition,
  deps: RequestFeatureDeps,
  logger: Logger,
  metrics: ToolMetricChildren | undefined,
  observers: Omit<ToolCallObservers, 'record'>,
): ToolEntry {
  // An output schema with its own `content` field means a returned `content` is data, not a result.
  const contentIsData = tool.outputSchema !== undefined && 'content' in tool.outputSchema.shape;
  const record =
    metrics === undefined
      ? undefined
      : (outcome: ToolOutcome, seconds: number): void => {
          metrics.calls[outcome].inc();
          metrics.duration[outcome].observe(seconds);
        };
  // Whatever the handler returns or throws becomes a result; observeToolCall decides its outcome.
  const run = async (args: unknown, ctx: ToolCallContext): Promise<CallToolResult | InputRequiredResult> => {
    try {
      const value: unknown = await tool.handler(args as Record<string, unknown>, ctx);
      // A round of a multi-round-trip call: neither a success nor a failure yet, but a call served.
      if (isInputRequiredResult(value)) return value;
      if (!contentIsData && isCallToolResultLike(value)) return value;
      const structured = value as Record<string, unknown>;
      return { content: [{ type: 'text', text: JSON.stringify(structured) }], structuredContent: structured };
    } catch (error) {
      return errorResult(error, ctx);
    }
  };
  const callObservers: ToolCallObservers = { ...observers, ...(record !== undefined && { record }) };
  // The span, the call metrics and the audit line (never the arguments) around every call.
  const callback = (args: unknown, sdk: ServerContext) => {
    const requestId = requestIdOf(sdk);
    const ctx = new ToolCallContext(sdk, deps, requestId, tool.name, logger);
    return observeToolCall(callObservers, { tool: tool.name, requestId, sdk }, () => run(args, ctx));
  };
  return Object.freeze({
    name: tool.name,
    config: Object.freeze({
      ...(tool.title !== undefined && { title: tool.title }),
      description: tool.description,
      // Arguments the input schema rejects never reach the handler; they still count as failed calls.
      inputSchema: withPrecomputedJsonSchema(tool.inputSchema, () => record?.('error', 0)),
      ...(tool.outputSchema !== undefined && { outputSchema: withPrecomputedJsonSchema(tool.outputSchema) }),
      ...(tool.annotations !== undefined && { annotations: tool.annotations }),
    }),
    callback,
  });
}

class ResourceCallContext implements ResourceContext {
  constructor(
    private readonly sdk: ServerContext,
    readonly variables: Readonly<Record<string, string | string[]>>,
  ) {}
  get requestId(): string {
    return requestIdOf(this.sdk);
  }
  get signal(): AbortSignal {
    return this.sdk.mcpReq.signal;
  }
  get authInfo() {
    return this.sdk.http?.authInfo;
  }
}

const NO_VARIABLES: Readonly<Record<string, string>> = Object.freeze({});

type Register = (server: McpServer) => void;

function buildResourceRegistration(resource: ResourceDefinition): Register {
  const metadata = Object.freeze({
    ...(resource.title !== undefined && { title: resource.title }),
    ...(resource.description !== undefined && { description: resource.description }),
    ...(resource.mimeType !== undefined && { mimeType: resource.mimeType }),
    ...(resource.cacheHint !== undefined && { cacheHint: resource.cacheHint }),
  });
  if (resource.uri !== undefined) {
    const uri = resource.uri;
    const read = async (url: URL, sdk: ServerContext) =>
      toReadResourceResult(url, await resource.read(url, new ResourceCallContext(sdk, NO_VARIABLES)), resource.mimeType);
    return (server) => server.registerResource(resource.name, uri, metadata, read);
  }
  const template = new ResourceTemplate(resource.uriTemplate ?? '', {
    list: undefined,
    ...(resource.complete !== undefined && { complete: resource.complete }),
  });
  const read = async (url: URL, variables: Variables, sdk: ServerContext) =>
    toReadResourceResult(url, await resource.read(url, new ResourceCallContext(sdk, variables)), resource.mimeType);
  return (server) => server.registerResource(resource.name, template, metadata, read);
}

function buildPromptRegistration(prompt: PromptDefinition, deps: RequestFeatureDeps): Register {
  const config = Object.freeze({
    ...(prompt.title !== undefined && { title: prompt.title }),
    ...(prompt.description !== undefined && { description: prompt.description }),
  });
  if (prompt.argsSchema === undefined) {
    const render = async (sdk: ServerContext) => toGetPromptResult(await prompt.render({}, new RequestContext(sdk, deps)), prompt.description);
    return (server) => server.registerPrompt(prompt.name, config, render);
  }
  const withArgs = Object.freeze({ ...config, argsSchema: prompt.argsSchema });
  const render = async (args: unknown, sdk: ServerContext) =>
    toGetPromptResult(await prompt.render(args as never, new RequestContext(sdk, deps)), prompt.description);
  return (server) => server.registerPrompt(prompt.name, withArgs, render);
}

function cacheHintsByMethod(hints: ListCacheHints) {
  return {
    ...(hints.tools !== undefined && { 'tools/list': hints.tools }),
    ...(hints.prompts !== undefined && { 'prompts/list': hints.prompts }),
    ...(hints.resources !== undefined && { 'resources/list': hints.resources }),
    ...(hints.resourceTemplates !== undefined && { 'resources/templates/list': hints.resourceTemplates }),
  } as const;
}

/**
 * The codec is built on first use, so a service that never returns input-required results needs no
 * keys; one whose tools declare `inputRequired` is checked at start-up (production refuses to start).
 */
function lazyRequestState(options: ServerFactoryOptions, tools: readonly ToolDefinition[], logger: Logger): () => RequestStateCodec {
  let codec = options.requestState;
  const resolve = () => (codec ??= requestStateCodecFromConfig(options.requestStateConfig ?? {}, logger));
  if (tools.some((t) => t.inputRequired)) resolve();
  return resolve;
}

function assertUnique(kind: string, names: string[]): void {
  const seen = new Set<string>();
  for (const name of names) {
    if (seen.has(name)) throw new TypeError(`Duplicate ${kind} name "${name}"`);
    seen.add(name);
  }
}

/** Builds everything once; the returned factory only runs `new McpServer` and the register calls. */
export function buildServerFactory(info: ServerInfo, capabilities: Capabilities, options: ServerFactoryOptions = {}): BuiltServerFactory {
  const logger = options.logger ?? pino({ level: 'silent' });
  const tools = capabilities.tools ?? [];
  const resources = capabilities.resources ?? [];
  const prompts = capabilities.prompts ?? [];
  assertUnique(
    'tool',
    tools.map((t) => t.name),
  );
  assertUnique(
    'resource',
    resources.map((r) => r.uri ?? r.uriTemplate ?? r.name),
  );
  assertUnique(
    'prompt',
    prompts.map((p) => p.name),
  );

  const events = options.events ?? createInProcessBus((error) => logger.error({ err: error }, 'event listener threw'));
  const requestState = lazyRequestState(options, tools, logger);
  const deps: RequestFeatureDeps = { events, requestState };
  const observers = { audit: ownFieldsLogger(logger), tenantClaim: options.tenantClaim ?? DEFAULT_TENANT_CLAIM };
  const toolEntries = tools.map((tool) => buildToolEntry(tool, deps, logger, options.metrics?.tool(tool.name), observers));
  const registrations = [...resources.map(buildResourceRegistration), ...prompts.map((prompt) => buildPromptRegistration(prompt, deps))];
  const serverCapabilities: ServerCapabilities = serverCapabilitiesFor({ tools, resources, prompts });
  const serverInfo = Object.freeze({ name: info.name, version: info.version });
  const serverOptions = Object.freeze({
    capabilities: serverCapabilities,
    ...(info.instructions !== undefined && { instructions: info.instructions }),
    ...(capabilities.cacheHints !== undefined && { cacheHints: cacheHintsByMethod(capabilities.cacheHints) }),
    // Runs before the handler on every round that echoes a state; a throw is answered -32602.
    requestState: { verify: (state: string, sdk: ServerContext) => requestState().open(state, sdk) },
  });
  const surface = serverSurfaceFor(serverCapabilities);

  const factory: McpServerFactory = () => {
    const server = new McpServer(serverInfo, serverOptions);
    for (const tool of toolEntries) server.registerTool(tool.name, tool.config, tool.callback);
    for (const register of registrations) register(server);
    surface(server);
    return server;
  };
  return { factory, streamingTools: new Set(tools.filter((t) => t.streaming).map((t) => t.name)), events };
}

/** An SDK McpServerFactory for these capabilities: cheap per call, one fresh McpServer each time. */
export function createServerFactory(info: ServerInfo, capabilities: Capabilities, options: ServerFactoryOptions = {}): McpServerFactory {
  return buildServerFactory(info, capabilities, options).factory;
}
