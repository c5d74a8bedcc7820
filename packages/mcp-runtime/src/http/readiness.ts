export type ReadinessCheck = () => Promise<void> | void;

/** What a probe may see: never an error text, which can carry internal addresses. */
export type CheckStatus = 'ok' | 'unavailable' | 'timeout';

export interface CheckFailure {
  check: string;
  /** The thrown value; undefined for a timeout. For the log only. */
  error?: unknown;
  timeoutMs?: number;
}

export interface ReadinessReport {
  ready: boolean;
  checks: Record<string, CheckStatus>;
  /** The causes, for the log. */
  failures: CheckFailure[];
}

const TIMED_OUT = Symbol('timed out');

async function runCheck(name: string, check: ReadinessCheck, timeoutMs: number): Promise<CheckFailure | undefined> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<typeof TIMED_OUT>((resolve) => {
    timer = setTimeout(resolve, timeoutMs, TIMED_OUT);
  });
  try {
    const outcome = await Promise.race([Promise.resolve().then(check), timeout]);
    return outcome === TIMED_OUT ? { check: name, timeoutMs } : undefined;
  } catch (error) {
    return { check: name, error };
  } finally {
    clearTimeout(timer);
  }
}

/** Runs every check in parallel, each bounded by `timeoutMs`; each reports ok, unavailable or timeout. */
export async function runReadinessChecks(checks: Readonly<Record<string, ReadinessCheck>>, timeoutMs: number): Promise<ReadinessReport> {
  const names = Object.keys(checks);
  const results = await Promise.all(names.map((name) => runCheck(name, checks[name]!, timeoutMs)));
  const report: Record<string, CheckStatus> = {};
  const failures: CheckFailure[] = [];
  names.forEach((name, i) => {
    const failure = results[i];
    report[name] = failure === undefined ? 'ok' : failure.timeoutMs !== undefined ? 'timeout' : 'unavailable';
    if (failure !== undefined) failures.push(failure);
  });
  return { ready: failures.length === 0, checks: report, failures };
}
