import { z } from 'zod';

/** An HTTP port a non-root process may bind. */
export const portOption = z.coerce
  .number({ error: 'must be a number' })
  .int({ error: 'must be a whole number' })
  .min(1024, { error: 'must be at least 1024: services run as a non-root user, which cannot bind lower ports' })
  .max(65535, { error: 'must be at most 65535' });

export const databaseKinds = ['pglite', 'postgres', 'none'] as const;

/** For adopted projects, which have no answers record to say what database they use. */
export const databaseOverrideOption = z.enum(databaseKinds, { error: `must be one of ${databaseKinds.join(', ')}` });
