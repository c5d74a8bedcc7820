import { z } from 'zod';

export const updateSchema = z
  .object({
    project: z.string().min(1).optional(),
    all: z.boolean().default(false),
    twoWay: z.boolean().default(false),
    diff: z.boolean().default(false),
  })
  .refine((o) => o.all !== (o.project !== undefined), {
    message: 'name one project (nx g @slipway/nx:update orders) or pass --all, not both',
    path: ['project'],
  });

export type UpdateSchema = z.input<typeof updateSchema>;
