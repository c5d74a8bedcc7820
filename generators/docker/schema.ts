import { z } from 'zod';
import { nodeBaseImages, type NodeLine } from '../../packages/nx/src/versions.js';
import { portOption } from '../../packages/nx/src/deploy-options.js';

const nodeLines = Object.keys(nodeBaseImages) as NodeLine[];

/** The options a project needs to name and serve itself; shared with the compose generator. */
export const projectOption = z
  .string({ error: 'is required: name the project, e.g. `nx g @slipway/nx:docker orders`' })
  .trim()
  .min(1, { error: 'is required: name the project, e.g. `nx g @slipway/nx:docker orders`' });

/** Raw options as Nx passes them (CLI, prompts or a parent generator). */
export const dockerSchema = z.object({
  project: projectOption,
  port: portOption.optional(),
  healthPath: z
    .string()
    .trim()
    .regex(/^\/[A-Za-z0-9._~/-]*$/, { error: 'must be a URL path starting with "/", such as /healthz (no query string)' })
    .optional(),
  nodeVersion: z
    .union([z.string(), z.number()])
    .transform(String)
    .pipe(z.enum(nodeLines, { error: `must be one of ${nodeLines.join(', ')} (the Node LTS lines with a pinned base image)` }))
    .optional(),
});

export type DockerSchema = z.input<typeof dockerSchema>;
export type ParsedDockerOptions = z.output<typeof dockerSchema>;
