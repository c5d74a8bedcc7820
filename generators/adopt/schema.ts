import { z } from 'zod';

export const adoptSchema = z.object({
  project: z.string({ error: 'is required: name the project to adopt, e.g. `nx g @slipway/nx:adopt legacy-api`' }).min(1),
});

export type AdoptSchema = z.input<typeof adoptSchema>;
