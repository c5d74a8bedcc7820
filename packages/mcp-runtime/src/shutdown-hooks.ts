import type { Logger } from 'pino';

/** Runs at shutdown, after the server stopped taking work: close pools, flush buffers. */
export type ShutdownHook = () => Promise<void> | void;

/** The hooks of either transport, from the option's single-or-list form. */
export function shutdownHooks(option: ShutdownHook | ShutdownHook[] | undefined): readonly ShutdownHook[] {
  return option === undefined ? [] : Array.isArray(option) ? option : [option];
}

/** Runs every hook in order; one that fails is logged and the rest still run, so no pool stays open. */
export async function runShutdownHooks(hooks: readonly ShutdownHook[], logger: Logger): Promise<void> {
  for (const hook of hooks) {
    try {
      await hook();
    } catch (error) {
      logger.error({ err: error }, 'shutdown hook failed');
    }
  }
}
