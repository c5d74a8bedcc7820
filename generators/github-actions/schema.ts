import { z } from 'zod';
import { environmentsOption } from '../../packages/nx/src/deployment/delivery.js';

// A registry host (ghcr.io, myregistry.azurecr.io, registry.example.com:5000), optionally with a namespace path.
const REGISTRY = /^[a-z0-9]([a-z0-9.-]*[a-z0-9])?(:\d{1,5})?(\/[a-z0-9]+([._-][a-z0-9]+)*)*$/;

const booleanOption = z.union([z.boolean(), z.enum(['true', 'false']).transform((v) => v === 'true')], {
  error: 'must be true or false',
});

/** Raw options as Nx passes them (CLI, prompts or a parent generator). */
export const githubActionsSchema = z.object({
  project: z.string({
    error: 'is required: name the project to deliver, e.g. `nx g @slipway/nx:github-actions orders`',
  }),
  registry: z
    .string()
    .trim()
    .toLowerCase()
    .refine((value) => REGISTRY.test(value), {
      message: 'must be a container registry host, optionally with a namespace, e.g. ghcr.io, myregistry.azurecr.io or registry.example.com/team',
    })
    .default('ghcr.io'),
  azure: booleanOption.default(true),
  environments: environmentsOption,
});

export type GithubActionsSchema = z.input<typeof githubActionsSchema>;
export type ParsedGithubActionsOptions = z.output<typeof githubActionsSchema>;
