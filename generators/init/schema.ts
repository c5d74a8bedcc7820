import { z } from 'zod';

export const initSchema = z.object({
  skipInstall: z.boolean().default(false),
});

export type InitSchema = z.input<typeof initSchema>;
