// `npm run bench` (add `-- --quick` for a short smoke run): builds nothing itself (the npm script
// builds first), sets up workspaces from the packed packages, runs every section side by side and
// writes BENCHMARKS.md. Not part of `npm test`.
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import type { LocalRegistry } from '../local-registry.js';
import { repoRoot, setUpSlipwayWorkspace } from '../local-packages.js';
import type { PostgresServer } from '../../test/support/postgres.js';
import { seedPglite, seedPostgres, SEEDED_NOTES } from './databases.js';
import { benchGenerators, type GeneratorResults } from './generator.js';
import { benchImage, type ImageResult } from './image.js';
import { describeMachine } from './machine.js';
import { renderReport } from './report.js';
import { prepareServices, type GeneratedServices } from './services.js';
import { benchStartup, type StartResult } from './startup.js';
import { benchScenario, type LoadSpec, type ScenarioResult } from './throughput.js';
import { benchUpdate, type UpdateResult } from './update.js';
import { collectVersions } from './versions.js';
import { createNx23Workspace, npmStub, pluginOffer } from './workspaces.js';

const SECTIONS = ['generator', 'update', 'throughput', 'startup', 'image'] as const;
type Section = (typeof SECTIONS)[number];

const { values } = parseArgs({
  options: {
    quick: { type: 'boolean', default: false },
    // Reuse a work directory from an earlier run (kept with --keep): skips the set-up it already holds.
    work: { type: 'string' },
    keep: { type: 'boolean', default: false },
    only: { type: 'string' },
    out: { type: 'string', default: join(repoRoot, 'BENCHMARKS.md') },
  },
});
const quick = values.quick!;
const only = new Set((values.only ?? SECTIONS.join(',')).split(',') as Section[]);
const started = Date.now();
const log = (message: string) => console.log(`[${((Date.now() - started) / 1000).toFixed(0).padStart(4)} s] ${message}`);

const plan = quick
  ? { genRounds: 2, inProcessRounds: 1, sizes: [1, 500], small: { connections: 10, warmupSec: 1, durationSec: 2, rounds: 1 }, db: { connections: 10, warmupSec: 1, durationSec: 2, rounds: 1 }, startRounds: 2, initdbRounds: 1, updateRounds: 1 }
  : { genRounds: 5, inProcessRounds: 2, sizes: [1, 100, 500], small: { connections: 10, warmupSec: 2, durationSec: 6, rounds: 3 }, db: { connections: 10, warmupSec: 1, durationSec: 5, rounds: 3 }, startRounds: 5, initdbRounds: 3, updateRounds: 3 };

const work = values.work ?? mkdtempSync(join(tmpdir(), 'slipway-bench-'));
mkdirSync(join(work, 'logs'), { recursive: true });
log(`work directory ${work}${quick ? ' (quick run)' : ''}`);

interface State {
  nx24: string;
  nx23: string;
  version: string;
  services?: GeneratedServices;
}
const stateFile = join(work, 'state.json');
let state: State | undefined = existsSync(stateFile) ? (JSON.parse(readFileSync(stateFile, 'utf8')) as State) : undefined;
let registry: LocalRegistry | undefined;
let postgres: PostgresServer | undefined;

try {
  if (!state) {
    log('packing Slipway, publishing it to a local registry, creating an nx 24 workspace');
    const slipway = await setUpSlipwayWorkspace(join(work, 'nx24'));
    registry = slipway.registry;
    log('creating the nx 23.2.1 + @nx/node 23.2.1 workspace');
    const nx23 = join(work, 'nx23');
    createNx23Workspace(nx23, slipway.registry, slipway.version);
    state = { nx24: slipway.dir, nx23, version: slipway.version };
    log('generating, installing and building the benchmarked services');
    state.services = prepareServices(slipway.dir);
    writeFileSync(stateFile, JSON.stringify(state, null, 2));
  }
  await registry?.stop();
  registry = undefined;
  const { nx24, nx23, services } = state;
  const offer = pluginOffer(nx24);
  const stubBin = npmStub(work);

  let generator: GeneratorResults | undefined;
  if (only.has('generator')) {
    log('section 1: generators');
    generator = await benchGenerators({ work, nx23, nx24, stubBin, offer, rounds: plan.genRounds, inProcessRounds: plan.inProcessRounds, sizes: plan.sizes, log });
  }

  let update: UpdateResult | undefined;
  if (only.has('update')) {
    log('section 2: update and migrations');
    update = await benchUpdate({ work, from: nx24, offer, stubBin, services: quick ? 20 : 200, rounds: plan.updateRounds, log });
  }

  let scenarios: ScenarioResult[] = [];
  let startup: StartResult[] = [];
  let pgliteTemplate: { dir: string; firstStartMs: number } | undefined;
  if (only.has('throughput') || only.has('startup')) {
    log('seeding PGlite and PostgreSQL through the generated service');
    pgliteTemplate = await seedPglite(services!.db, join(work, 'pglite-template'), work);
    postgres = await seedPostgres(services!.db, work).catch((error: unknown) => {
      log(`PostgreSQL unavailable, its rows are skipped: ${String(error).split('\n')[0]}`);
      return undefined;
    });
  }
  if (only.has('throughput')) {
    log('section 3: server throughput');
    const base = { maxId: SEEDED_NOTES };
    scenarios.push(await benchScenario({ ...base, tool: 'text_stats', backend: 'none', service: services!.noDb }, plan.small as LoadSpec, work, log));
    scenarios.push(await benchScenario({ ...base, tool: 'get_note', backend: 'pglite', service: services!.db, pgliteTemplate: pgliteTemplate!.dir }, plan.db, work, log));
    if (postgres) scenarios.push(await benchScenario({ ...base, tool: 'get_note', backend: 'postgres', service: services!.db, databaseUrl: postgres.url }, plan.db, work, log));
  }
  if (only.has('startup')) {
    log('section 4: start-up');
    startup = await benchStartup(
      { noDbService: services!.noDb, dbService: services!.db, pgliteTemplate: pgliteTemplate!.dir, databaseUrl: postgres?.url },
      work,
      plan.startRounds,
      plan.initdbRounds,
      log,
    );
  }
  await postgres?.stop();
  postgres = undefined;

  let image: ImageResult | undefined;
  if (only.has('image')) {
    log('section 5: image');
    image = await benchImage({ workspace: nx24, offer, work, log });
  }

  const report = renderReport({
    quick,
    durationSec: Math.round((Date.now() - started) / 1000),
    machine: describeMachine(),
    versions: collectVersions(nx23, nx24),
    offer,
    generator,
    update,
    scenarios,
    startup,
    image,
    postgresVersion: postgres ? undefined : undefined,
  });
  writeFileSync(values.out!, report);
  log(`wrote ${values.out}`);
} finally {
  await postgres?.stop();
  await registry?.stop();
  if (!values.keep && !values.work) rmSync(work, { recursive: true, force: true });
}
