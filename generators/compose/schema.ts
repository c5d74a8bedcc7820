import { z } from 'zod';
import { sloOptionRules } from '../../packages/nx/src/deployment/service-alerts.js';
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
  // The monitoring overlay's alert rules; unset: what was chosen last time, else the defaults.
  sloAvailability: sloOptionRules.sloAvailability.optional(),
  sloToolSuccess: sloOptionRules.sloToolSuccess.optional(),
  sloLatencyP99Seconds: sloOptionRules.sloLatencyP99Seconds.optional(),
  alertEventLoopLagSeconds: sloOptionRules.alertEventLoopLagSeconds.optional(),
});

export type ComposeSchema = z.input<typeof composeSchema>;
export type ParsedComposeOptions = z.output<typeof composeSchema>;
