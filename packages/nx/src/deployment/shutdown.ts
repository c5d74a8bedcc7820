/**
 * The runtime's default SHUTDOWN_TIMEOUT_MS (packages/mcp-runtime config.ts): how long a service
 * drains requests after SIGTERM. Every platform's stop grace period is derived from it.
 */
export const SHUTDOWN_TIMEOUT_MS = 10_000;
