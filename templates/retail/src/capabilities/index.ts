import type { Capabilities } from '@slipway/mcp-runtime';
import { salesTools, type SalesToolsOptions } from './sales-tools.js';
import { serviceInfoResource } from './resources.js';

export type Dependencies = SalesToolsOptions;

/** Everything this server offers. Built once at start-up; each request gets a fresh, cheap server over it. */
export function createCapabilities(dependencies: Dependencies): Capabilities {
  return {
    tools: salesTools(dependencies),
    resources: [serviceInfoResource],
  };
}
