import type { Capabilities } from '@slipway/mcp-runtime';
import type { Database } from '../database.js';
import { conformancePrompts } from './conformance/prompts.js';
import { conformanceResources } from './conformance/resources.js';
import { conformanceTools } from './conformance/tools.js';
import { inputRequiredTools } from './conformance/input-required-tools.js';

export interface Dependencies {
  readonly db: Database;
}

/** The conformance suite's fixtures in place of the example capabilities (the database stays unused). */
export function createCapabilities(_dependencies: Dependencies): Capabilities {
  return {
    tools: [...conformanceTools, ...inputRequiredTools],
    resources: conformanceResources,
    prompts: conformancePrompts,
    // SEP-2549: list results say how long clients may cache them.
    cacheHints: {
      tools: { ttlMs: 300_000, cacheScope: 'public' },
      prompts: { ttlMs: 300_000, cacheScope: 'public' },
      resources: { ttlMs: 300_000, cacheScope: 'public' },
      resourceTemplates: { ttlMs: 300_000, cacheScope: 'public' },
    },
  };
}
