import { z } from 'zod';
import { environmentsOption } from '../../packages/nx/src/deployment/delivery.js';

// Azure DevOps service connection names as Slipway writes them into YAML unquoted.
const CONNECTION = /^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$/;

const connection = (example: string) =>
  z
    .string()
    .trim()
    .refine((value) => CONNECTION.test(value), {
      message: `must be a service connection name of letters, digits, ".", "_" and "-", e.g. ${example}`,
    })
    .optional();

/** Raw options as Nx passes them (CLI, prompts or a parent generator). */
export const azurePipelinesSchema = z.object({
  project: z.string({
    error: 'is required: name the project to deliver, e.g. `nx g @slipway/nx:azure-pipelines orders`',
  }),
  serviceConnection: connection('orders-azure'),
  registryConnection: connection('orders-registry'),
  environments: environmentsOption,
});

export type AzurePipelinesSchema = z.input<typeof azurePipelinesSchema>;
export type ParsedAzurePipelinesOptions = z.output<typeof azurePipelinesSchema>;
