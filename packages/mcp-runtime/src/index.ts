export { defineTool, ToolError, type ToolConfig, type ToolContext, type ToolDefinition } from './tools.js';
export { defineResource, type ResourceConfig, type ResourceContext, type ResourceDefinition, type ResourceReadValue } from './resources.js';
export { definePrompt, type PromptConfig, type PromptContext, type PromptDefinition, type PromptRenderValue } from './prompts.js';
export { type CompleteVariable } from './resources.js';
export { type RequestFeatures } from './request-context.js';
export {
  createRequestStateCodec,
  requestStateCodecFromConfig,
  type RequestStateCodec,
  type RequestStateCodecOptions,
  type RequestStateConfig,
} from './request-state.js';
export { createInProcessBus, type EventBus, type ServiceEvent, type ServiceEventListener } from './events/bus.js';
// The SDK's builders for input-required results and completions, so services import one package.
export {
  acceptedContent,
  completable,
  inputRequired,
  type CacheHint,
  type CacheScope,
  type InputRequiredResult,
  type InputResponseView,
  type LoggingLevel,
} from '@modelcontextprotocol/server';
export { createServerFactory, type Capabilities, type ListCacheHints, type ServerFactoryOptions, type ServerInfo } from './server-factory.js';
export { baseConfigSchema, parseConfig, loadConfig, ConfigError, envBool, envInt, envList, envString, type BaseConfig } from './config.js';
export { createLogger, redactUrlCredentials, type Logger, type LoggerOptions } from './logger.js';
export {
  startHttpService,
  type HttpServiceConfig,
  type HttpServiceOptions,
  type HttpServiceTimeouts,
  type RunningService,
  type ShutdownHook,
} from './http/service.js';
export type { ReadinessCheck } from './http/readiness.js';
export {
  authConfigSchema,
  authOptionsFromConfig,
  loadAuthOptions,
  createBearerAuth,
  createJwtVerifier,
  protectedResourceMetadataUrl,
  DEFAULT_ALGORITHMS,
  InvalidTokenError,
  VerifierUnavailableError,
  type AuthConfig,
  type AuthOptions,
  type AuthOutcome,
  type BearerAuth,
  type JwtVerifierOptions,
  type ProtectedResourceMetadata,
  type TokenVerifier,
} from './auth/index.js';
export type { AuthInfo } from '@modelcontextprotocol/server';
export { runStdio, type StdioServiceOptions } from './stdio.js';
export { createServiceEventBus, type EventBusConfig } from './events/service-bus.js';
export { createPostgresBus, DEFAULT_CHANNEL, type PostgresBusOptions, type PostgresEventBus } from './events/postgres-bus.js';
export { EventTooLargeError, MAX_EVENT_BYTES } from './events/wire.js';
export { startTracing, tracesUrl, type Tracing, type TracingOptions } from './tracing/index.js';
export { RATE_LIMITED_CODE } from './limits/limiter.js';
export type { RateLimitRule, RateLimits } from './limits/rules.js';
