/**
 * A longer run of the generator fuzz (generators/fuzz.spec.ts) than CI's: `npm run fuzz`, or
 * `npm run fuzz -- --runs=5000 --seed=42`. Without --seed it draws a new one, printed first, so
 * every campaign explores new combinations and a failure can be replayed with SLIPWAY_FUZZ_SEED.
 */
import { spawnSync } from 'node:child_process';
import { randomInt } from 'node:crypto';
import { parseArgs } from 'node:util';

const { values } = parseArgs({ options: { runs: { type: 'string', default: '2000' }, seed: { type: 'string' } } });
const runs = Number(values.runs);
const seed = values.seed === undefined ? randomInt(2 ** 31) : Number(values.seed);
for (const [name, value] of [
  ['--runs', runs],
  ['--seed', seed],
] as const) {
  if (!Number.isSafeInteger(value) || value < 0) {
    console.error(`${name}: must be a whole number, e.g. ${name}=${name === '--runs' ? 2000 : 42}`);
    process.exit(2);
  }
}

console.log(`fuzz: ${runs} combinations, seed ${seed} (replay: SLIPWAY_FUZZ_SEED=${seed} SLIPWAY_FUZZ_RUNS=${runs})`);
const result = spawnSync(process.execPath, ['node_modules/vitest/vitest.mjs', 'run', '--project', 'unit', 'generators/fuzz.spec.ts'], {
  stdio: 'inherit',
  env: { ...process.env, SLIPWAY_FUZZ_RUNS: String(runs), SLIPWAY_FUZZ_SEED: String(seed) },
});
process.exit(result.status ?? 1);
