import { z } from 'zod';

/** The sync generator takes no options: Nx runs it with the tree alone. */
export const syncSchema = z.object({});

export type SyncSchema = z.input<typeof syncSchema>;
