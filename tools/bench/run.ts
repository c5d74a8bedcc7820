// `npm run bench` (add `-- --quick` for a short smoke run): builds nothing itself (the npm script
// builds first), sets up workspaces from the packed packages, runs every section side by side and
// writes BENCHMARKS.md. Not part of `npm test`.
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { startLocalRegistry, type LocalRegistry } from '../local-registry.js';
import { repoRoot, setUpSlipwayWorkspace } from '../local-packages.js';
import type { PostgresServer } from '../../test/support/postgres.js';
import { seedPglite, seedPostgres, SEEDED_NOTES } from './databases.js';
import { benchGenerators, type GeneratorResults } from './generator.js';
import { benchImage, type ImageResult } from './image.js';
import { describeMachine } from './machine.js';
import { renderReport, type Report } from './report.js';
import { prepareServices, type GeneratedServices } from './services.js';
import type { ProfileSummary } from './profile.js';
import { benchStartup, makePgliteTemplate, profileStart, type StartResult, type TemplateResult } from './startup.js';
import { startStandInIssuer, type StandInIssuer } from '../../test/support/stand-in-issuer.js';
import { startOtlpSink, type OtlpSink } from './otlp-sink.js';
import { benchScenario, ERAS, profileSlipway, STACKS, type ScenarioResult, type Stack } from './throughput.js';
import { benchUpdate, type UpdateResult } from './update.js';
import { collectVersions } from './versions.js';
import { createNx23Workspace, npmStub, nxEnv, pluginOffer, workingOffer } from './workspaces.js';

const SECTIONS = ['generator', 'update', 'throughput', 'startup', 'image'] as const;
type Section = (typeof SECTIONS)[number];

const { values } = parseArgs({
  options: {
    quick: { type: 'boolean', default: false },
    // Reuse a work directory from an earlier run (kept with --keep): skips the set-up it already holds.
    work: { type: 'string' },
    keep: { type: 'boolean', default: false },
    only: { type: 'string' },
    // Section 3 only: which scenarios (text_stats,pglite,postgres), and overrides of the rounds and
    // the seconds measured per run, for iterating on one change.
    scenarios: { type: 'string' },
    rounds: { type: 'string' },
    duration: { type: 'string' },
    out: { type: 'string', default: join(repoRoot, 'BENCHMARKS.md') },
    // Re-render BENCHMARKS.md from a run's saved results.json, without running anything.
    'from-results': { type: 'string' },
  },
});
if (values['from-results']) {
  writeFileSync(values.out, renderReport(JSON.parse(readFileSync(values['from-results'], 'utf8')) as Report));
  console.log(`wrote ${values.out}`);
  process.exit(0);
}
const quick = values.quick;
const only = new Set((values.only ?? SECTIONS.join(',')).split(',') as Section[]);
const started = Date.now();
const log = (message: string) => console.log(`[${((Date.now() - started) / 1000).toFixed(0).padStart(4)} s] ${message}`);

const basePlan = quick
  ? {
      genRounds: 1,
      inProcessRounds: 1,
      sizes: [1, 500],
      small: { connections: 10, warmupSec: 1, durationSec: 2, rounds: 1 },
      db: { connections: 10, warmupSec: 1, durationSec: 2, rounds: 1 },
      startRounds: 1,
      initdbRounds: 1,
      updateRounds: 1,
    }
  : {
      genRounds: 5,
      inProcessRounds: 2,
      sizes: [1, 100, 500],
      small: { connections: 10, warmupSec: 2, durationSec: 10, rounds: 3 },
      db: { connections: 10, warmupSec: 1, durationSec: 5, rounds: 3 },
      startRounds: 5,
      initdbRounds: 3,
      updateRounds: 2,
    };
const loadOverride = {
  ...(values.rounds !== undefined && { rounds: Number(values.rounds) }),
  ...(values.duration !== undefined && { durationSec: Number(values.duration) }),
};
const plan = { ...basePlan, small: { ...basePlan.small, ...loadOverride }, db: { ...basePlan.db, ...loadOverride } };
const SCENARIOS = ['text_stats', 'pglite', 'postgres'] as const;
const scenarioNames = new Set((values.scenarios ?? SCENARIOS.join(',')).split(','));

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
let issuer: StandInIssuer | undefined;
let otlp: OtlpSink | undefined;

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
  // Kept running: the image build installs @slipway from it. A reused work directory restarts it on the same storage.
  registry ??= await startLocalRegistry(join(work, 'nx24', 'registry'));
  const { nx24, nx23, services } = state;
  const stubBin = npmStub(work);
  const offer = await workingOffer(nx24, pluginOffer(nx24), nxEnv(stubBin));
  for (const { target, error } of offer.brokenTargets) log(`deploy target ${target} fails in this build and is left out: ${error}`);

  let generator: GeneratorResults | undefined;
  if (only.has('generator')) {
    log('section 1: generators');
    generator = await benchGenerators({
      work,
      nx23,
      nx24,
      stubBin,
      offer,
      rounds: plan.genRounds,
      inProcessRounds: plan.inProcessRounds,
      sizes: plan.sizes,
      log,
    });
  }

  let update: UpdateResult | undefined;
  if (only.has('update')) {
    log('section 2: update and migrations');
    update = await benchUpdate({ work, from: nx24, offer, stubBin, services: quick ? 20 : 200, rounds: plan.updateRounds, log });
  }

  const scenarios: ScenarioResult[] = [];
  let startup: StartResult[] = [];
  const profiles: ProfileSummary[] = [];
  let template: TemplateResult | undefined;
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
    const noDb = { ...base, tool: 'text_stats', backend: 'none', service: services!.noDb } as const;
    if (scenarioNames.has('text_stats')) {
      issuer = await startStandInIssuer('https://bench.example.com/mcp');
      otlp = await startOtlpSink();
      scenarios.push(await benchScenario({ ...noDb, stacks: STACKS, auth: issuer, otlpEndpoint: otlp.endpoint }, plan.small, work, log));
      // The traced variant's figures mean nothing if no span left the service.
      if (otlp.spans() === 0) throw new Error('the traced variant exported no spans: check OTEL_EXPORTER_OTLP_ENDPOINT handling');
      log(`traced variant: ${otlp.spans()} spans received`);
    }
    const others: Stack[] = ['slipway', 'bare-v2', 'sdk-v1', 'fastmcp'];
    if (scenarioNames.has('pglite')) {
      const pgliteStacks: Stack[] = ['slipway', 'slipway-pglite-stock', 'slipway-pglite-optimized-wasm', ...others.slice(1)];
      scenarios.push(
        await benchScenario(
          { ...base, tool: 'get_note', backend: 'pglite', service: services!.db, pgliteTemplate: pgliteTemplate!.dir, stacks: pgliteStacks },
          plan.db,
          work,
          log,
        ),
      );
    }
    if (postgres && scenarioNames.has('postgres')) {
      scenarios.push(
        await benchScenario(
          { ...base, tool: 'get_note', backend: 'postgres', service: services!.db, databaseUrl: postgres.url, stacks: others },
          plan.db,
          work,
          log,
        ),
      );
    }
    if (scenarioNames.has('text_stats')) {
      for (const era of ERAS) profiles.push(await profileSlipway({ ...noDb, stacks: ['slipway'] }, plan.small, work, era));
    }
  }
  if (only.has('startup')) {
    log('section 4: start-up');
    template = await makePgliteTemplate(services!.db, join(work, 'pglite-template.tar.gz'));
    log(
      template.supported
        ? `PGlite data-directory template: ${Math.round(template.createMs!)} ms, ${template.bytes} bytes`
        : 'the runtime cannot make a PGlite template',
    );
    startup = await benchStartup(
      { noDbService: services!.noDb, dbService: services!.db, pgliteTemplate: pgliteTemplate!.dir, databaseUrl: postgres?.url, template: template.file },
      work,
      plan.startRounds,
      plan.initdbRounds,
      log,
    );
    profiles.push(
      await profileStart('PGlite, first-ever initdb', services!.db, work, {
        PGLITE_DATA_DIR: join(work, 'pglite-startup', 'profiled-initdb'),
        PGLITE_TEMPLATE: join(work, 'no-pglite-template.tgz'),
      }),
    );
    const existing = join(work, 'pglite-startup', 'profiled-existing');
    cpSync(pgliteTemplate!.dir, existing, { recursive: true });
    profiles.push(await profileStart('PGlite, existing data directory', services!.db, work, { PGLITE_DATA_DIR: existing }));
  }
  await postgres?.stop();
  postgres = undefined;

  let image: ImageResult | undefined;
  if (only.has('image')) {
    log('section 5: image');
    image = await benchImage({ workspace: nx24, scopeLine: registry.scopeLine, offer, work, quick, log });
  }

  const results: Report = {
    quick,
    durationSec: Math.round((Date.now() - started) / 1000),
    machine: describeMachine(),
    versions: collectVersions(nx23, nx24),
    offer,
    generator,
    update,
    scenarios,
    startup,
    template,
    pgliteFirstStartMs: pgliteTemplate?.firstStartMs,
    image,
    profiles: [...(generator?.profile ? [generator.profile] : []), ...(update?.available && update.profile ? [update.profile] : []), ...profiles],
  };
  writeFileSync(join(work, 'results.json'), JSON.stringify(results, null, 2));
  writeFileSync(values.out, renderReport(results));
  log(`wrote ${values.out}`);
} finally {
  await issuer?.stop();
  await otlp?.stop();
  await postgres?.stop();
  await registry?.stop();
  if (!values.keep && !values.work) rmSync(work, { recursive: true, force: true });
}
