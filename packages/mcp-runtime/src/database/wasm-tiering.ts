import { setFlagsFromString } from 'node:v8';

let baselineOnly = false;

/**
 * Keeps V8 from optimizing WebAssembly (TurboFan) on top of its baseline code (Liftoff). For PGlite,
 * whose module is the whole of PostgreSQL, the optimized copies of its hot functions cost about
 * 45 MB of RSS, idle and under load, and buy little for a small service's queries (BENCHMARKS.md).
 * V8 reads the flag when it compiles a module, so it must be set before PGlite's worker starts; it
 * holds for the whole process (every worker shares the flags) and cannot be taken back.
 */
export function useBaselineWasmOnly(): void {
  if (baselineOnly) return;
  setFlagsFromString('--liftoff-only');
  baselineOnly = true;
}
