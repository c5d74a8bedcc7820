export type ReadinessCheck = () => Promise<void> | void;

export interface ReadinessReport {
  ready: boolean;
  checks: Record<string, string>;
}

const TIMED_OUT = Symbol('timed out');

async function runCheck(check: ReadinessCheck, timeoutMs: number): Promise<string> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<typeof TIMED_OUT>((resolve) => {
    timer = setTimeout(resolve, timeoutMs, TIMED_OUT);
  });
  try {
    const outcome = await Promise.race([Promise.resolve().then(check), timeout]);
    return outcome === TIMED_OUT ? `timeout after ${timeoutMs}ms` : 'ok';
  } catch (error) {
    return error instanceof Error ? error.message || error.name : String(error);
  } finally {
    clearTimeout(timer);
  }
}

/** Runs every check in parallel, each bounded by `timeoutMs`; each reports "ok", a timeout or its error message. */
export async function runReadinessChecks(
  checks: Readonly<Record<string, ReadinessCheck>>,
  timeoutMs: number,
): Promise<ReadinessReport> {
  const names = Object.keys(checks);
  const results = await Promise.all(names.map((name) => runCheck(checks[name]!, timeoutMs)));
  const report: Record<string, string> = {};
  let ready = true;
  names.forEach((name, i) => {
    report[name] = results[i]!;
    if (results[i] !== 'ok') ready = false;
  });
  return { ready, checks: report };
}
