import type { McpServer, ServerCapabilities } from '@modelcontextprotocol/server';
import type { PromptDefinition } from './prompts.js';
import type { ResourceDefinition } from './resources.js';
import type { ToolDefinition } from './tools.js';

/**
 * What the server advertises. Lists can change at run time (a handler publishes
 * `tools/list_changed`...), and clients hear it on `subscriptions/listen`, so listChanged is true.
 */
export function serverCapabilitiesFor(capabilities: {
  tools: readonly ToolDefinition[];
  resources: readonly ResourceDefinition[];
  prompts: readonly PromptDefinition[];
}): ServerCapabilities {
  const { tools, resources, prompts } = capabilities;
  return {
    ...(tools.length > 0 && { tools: { listChanged: true } }),
    // Streaming tools may send log notifications (ctx.log), which need this capability.
    ...(tools.some((t) => t.streaming) && { logging: {} }),
    ...(resources.length > 0 && { resources: { listChanged: true, subscribe: true } }),
    ...(prompts.length > 0 && { prompts: { listChanged: true } }),
  };
}

/**
 * The 2025-era `resources/subscribe` and `resources/unsubscribe`, which the SDK leaves to the server.
 * Serving is stateless (one server per request, no standalone GET stream), so there is nothing to
 * remember: updates reach clients through `subscriptions/listen` (2026-07-28) from the event bus.
 */
export function serverSurfaceFor(capabilities: ServerCapabilities): (server: McpServer) => void {
  if (capabilities.resources?.subscribe !== true) return () => {};
  return (server) => {
    server.server.setRequestHandler('resources/subscribe', () => ({}));
    server.server.setRequestHandler('resources/unsubscribe', () => ({}));
  };
}
