import { z } from 'zod';
import { projectOption } from '../docker/schema.js';

// Nx passes booleans, but a parent generator or a JSON file may pass "true"/"false".
const flag = z.union([z.boolean(), z.enum(['true', 'false']).transform((value) => value === 'true')], {
  error: 'must be true or false',
});

/** Raw options as Nx passes them (CLI, prompts or a parent generator). */
export const composeSchema = z.object({
  project: projectOption,
  redis: flag.optional(),
  monitoring: flag.optional(),
});

export type ComposeSchema = z.input<typeof composeSchema>;
export type ParsedComposeOptions = z.output<typeof composeSchema>;
