import { z } from 'zod';
import { portOption, databaseOverrideOption } from '../../packages/nx/src/deploy-options.js';

export const registrySkus = ['Basic', 'Standard', 'Premium'] as const;

/** Raw options as Nx passes them. */
export const azureSchema = z.object({
  project: z.string({ error: 'is required: name the project to deploy, e.g. `nx g @slipway/nx:azure orders`' }).min(1, {
    error: 'is required: name the project to deploy, e.g. `nx g @slipway/nx:azure orders`',
  }),
  location: z
    .string()
    .trim()
    .refine((value) => /^[a-z][a-z0-9]{2,39}$/.test(value), {
      message: 'must be an Azure region name in lowercase without spaces, e.g. westeurope or eastus2 (see `az account list-locations -o table`)',
    })
    .optional(),
  registrySku: z.enum(registrySkus, { error: `must be one of ${registrySkus.join(', ')}` }).default('Standard'),
  postgres: z
    .union([z.boolean(), z.enum(['true', 'false'])], { error: 'must be true or false' })
    .transform((value) => value === true || value === 'true')
    .optional(),
  port: portOption.optional(),
  database: databaseOverrideOption.optional(),
});

export type AzureSchema = z.input<typeof azureSchema>;
export type ParsedAzureOptions = z.output<typeof azureSchema>;
