import { logger, type Tree } from '@nx/devkit';
import { vi } from 'vitest';
import newMcpServiceGenerator from './new-mcp-service/generator.js';
import type { NewMcpServiceSchema } from './new-mcp-service/schema.js';

/**
 * A service for a deployment generator's spec to work on: made by new-mcp-service with no
 * deployment targets of its own, so the generator under test writes its files for the first time.
 */
export async function generateService(tree: Tree, options: Partial<NewMcpServiceSchema> = {}): Promise<void> {
  await newMcpServiceGenerator(tree, { name: 'orders', skipInstall: true, deploy: 'none', ...options });
}

/** Collects what generators report with logger.warn (restore with vi.restoreAllMocks()). */
export function captureWarnings(): string[] {
  const warnings: string[] = [];
  vi.spyOn(logger, 'warn').mockImplementation((message: unknown) => {
    warnings.push(String(message));
  });
  return warnings;
}
