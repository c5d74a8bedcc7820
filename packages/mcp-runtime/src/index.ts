export { defineTool, ToolError, type ToolConfig, type ToolContext, type ToolDefinition } from './tools.js';
export {
  defineResource,
  type ResourceConfig,
  type ResourceContext,
  type ResourceDefinition,
  type ResourceReadValue,
} from './resources.js';
export { definePrompt, type PromptConfig, type PromptDefinition, type PromptRenderValue } from './prompts.js';
export {
  createServerFactory,
  type Capabilities,
  type ServerFactoryOptions,
  type ServerInfo,
} from './server-factory.js';
export {
  baseConfigSchema,
  parseConfig,
  loadConfig,
  ConfigError,
  envBool,
  envInt,
  envList,
  envString,
  type BaseConfig,
} from './config.js';
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
