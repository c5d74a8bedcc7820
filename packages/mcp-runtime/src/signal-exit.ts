import type { Logger } from 'pino';

export interface SignalExit {
  /** Shuts down once (`close`) and exits the process: 0 on success, 1 when it failed or outlasted the backstop. */
  exitAfter(reason: string): void;
  /** Removes the signal handlers: a shutdown that did not come from a signal leaves no listener behind. */
  detach(): void;
}

export interface SignalExitOptions {
  readonly logger: Logger;
  /** The service's idempotent shutdown. */
  readonly close: () => Promise<void>;
  /** Whether a shutdown already began: a second signal then exits at once. */
  readonly isClosing: () => boolean;
  /** Exit 1 if the shutdown takes longer than this (the HTTP drain has its own deadline, stdio has none). */
  readonly backstopMs?: number;
}

/**
 * How a service that owns its process ends, the same for HTTP and stdio: SIGTERM or SIGINT shuts it
 * down and exits with the outcome, and a second signal during the shutdown exits 1 at once (an
 * operator who won't wait, or an orchestrator's last word before SIGKILL).
 */
export function exitOnSignals({ logger, close, isClosing, backstopMs }: SignalExitOptions): SignalExit {
  function closeAndExit(): void {
    if (backstopMs !== undefined) {
      setTimeout(() => {
        logger.error({ timeoutMs: backstopMs }, 'shutdown timeout reached: exiting');
        process.exit(1);
      }, backstopMs).unref();
    }
    close().then(
      () => process.exit(0),
      (error: unknown) => {
        logger.error({ err: error }, 'shutdown failed');
        process.exit(1);
      },
    );
  }

  function onSignal(signal: NodeJS.Signals): void {
    if (isClosing()) {
      logger.warn({ signal }, 'second signal during shutdown: exiting now');
      process.exit(1);
    }
    logger.info({ signal, ...(backstopMs !== undefined && { timeoutMs: backstopMs }) }, 'signal received');
    closeAndExit();
  }

  process.on('SIGTERM', onSignal);
  process.on('SIGINT', onSignal);
  return {
    exitAfter(reason) {
      logger.info({ reason, ...(backstopMs !== undefined && { timeoutMs: backstopMs }) }, 'shutting down');
      closeAndExit();
    },
    detach() {
      process.off('SIGTERM', onSignal);
      process.off('SIGINT', onSignal);
    },
  };
}
