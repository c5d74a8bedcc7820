import { cpSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { LOAD_CORE, SERVER_CORE, freePort, pinned, rssBytes, startServer, timed } from './processes.js';
import { summarizeProfile, type ProfileSummary } from './profile.js';
import { rotate, summarize, type Summary } from './stats.js';
import { benchDir } from './workspaces.js';

/** Section 3: the same tools on several stacks, stateless Streamable HTTP on loopback, under autocannon. */

/**
 * The generated service comes in variants that differ only in env: as deployed (metrics, info logs),
 * quiet (both off: what they cost), with bearer auth (a cached JWKS), traced (every request sampled,
 * spans exported over OTLP/HTTP), and on PGlite's own start
 * parameters instead of the runtime's (what the memory defaults cost).
 */
export type Stack =
  | 'slipway'
  | 'slipway-quiet'
  | 'slipway-auth'
  | 'slipway-tracing'
  | 'slipway-pglite-stock'
  | 'slipway-pglite-optimized-wasm'
  | 'bare-v2'
  | 'sdk-v1'
  | 'fastmcp';
export const STACKS: readonly Stack[] = ['slipway', 'slipway-quiet', 'slipway-auth', 'slipway-tracing', 'bare-v2', 'sdk-v1', 'fastmcp'];
export type Backend = 'none' | 'pglite' | 'postgres';

/** 2025-11-25: no initialize, JSON or SSE. 2026-07-28: the per-request `_meta` envelope and Mcp-* headers. */
export type Era = '2025-11-25' | '2026-07-28';
export const ERAS: readonly Era[] = ['2026-07-28', '2025-11-25'];
// SDK 1.x and FastMCP (on SDK 1.x) know no 2026-07-28 envelope; every other stack speaks both eras.
const LEGACY_ONLY_STACKS: ReadonlySet<Stack> = new Set(['sdk-v1', 'fastmcp']);

export function speaks(stack: Stack, era: Era): boolean {
  return era === '2025-11-25' || !LEGACY_ONLY_STACKS.has(stack);
}

/**
 * PGlite's own settings (its initdb's postgresql.conf and PostgreSQL's defaults, what the runtime ran
 * before it set its own) and V8's optimizing compiler for its WebAssembly, as env.
 */
export const PGLITE_STOCK_ENV: Readonly<Record<string, string>> = {
  PGLITE_SHARED_BUFFERS: '128MB',
  PGLITE_WORK_MEM: '4MB',
  PGLITE_MAINTENANCE_WORK_MEM: '64MB',
  PGLITE_TEMP_BUFFERS: '8MB',
  PGLITE_MIN_WAL_SIZE: '80MB',
  PGLITE_MAX_WAL_SIZE: '1GB',
  PGLITE_OPTIMIZE_WASM: 'true',
};

export interface LoadSpec {
  readonly connections: number;
  readonly warmupSec: number;
  readonly durationSec: number;
  readonly rounds: number;
}

export interface StackResult {
  readonly stack: Stack;
  readonly era: Era;
  /** The server's user + system CPU time per answered request, ms. */
  readonly cpuMsPerRequest: Summary;
  /** Answers that came as SSE rather than one JSON body. */
  readonly sseAnswers: number;
  readonly reqPerSec: Summary;
  readonly p50: Summary;
  readonly p99: Summary;
  /** Socket errors, timeouts, non-2xx answers and wrong bodies, summed over all measured runs. */
  readonly errors: number;
  readonly non2xx: number;
  readonly badBodies: number;
  readonly requests: number;
  readonly rssUnderLoad: Summary;
  readonly firstBad?: string;
}

export interface ScenarioResult {
  readonly tool: 'text_stats' | 'get_note';
  readonly backend: Backend;
  readonly results: readonly StackResult[];
}

/** A stand-in issuer for the auth variant: the env that points the service at it, and its token. */
export interface AuthSetup {
  readonly env: Record<string, string>;
  readonly token: string;
}

interface LoadOutput {
  requests: number;
  reqPerSec: number;
  p50: number;
  p99: number;
  errors: number;
  timeouts: number;
  non2xx: number;
  badBodies: number;
  sseAnswers: number;
  cpuMsPerRequest: number;
  firstBad?: string;
}

export interface ScenarioSetup {
  readonly tool: 'text_stats' | 'get_note';
  readonly backend: Backend;
  /** The generated service's folder for this scenario (bench-nodb for no database). */
  readonly service: string;
  /** PGlite: a seeded data directory each stack gets its own copy of. */
  readonly pgliteTemplate?: string;
  readonly databaseUrl?: string;
  readonly maxId: number;
  readonly stacks: readonly Stack[];
  readonly auth?: AuthSetup;
  /** OTEL_EXPORTER_OTLP_ENDPOINT for the traced variant. */
  readonly otlpEndpoint?: string;
}

function slipwayEnv(stack: Stack, setup: ScenarioSetup): NodeJS.ProcessEnv {
  // Production settings: info-level JSON logs (to a file, as a container runtime would collect them) and metrics on.
  const deployed = { LOG_LEVEL: 'info', METRICS_ENABLED: 'true' };
  switch (stack) {
    case 'slipway-quiet':
      return { LOG_LEVEL: 'warn', METRICS_ENABLED: 'false' };
    case 'slipway-auth':
      return { ...deployed, ...setup.auth!.env };
    case 'slipway-tracing':
      return { ...deployed, OTEL_EXPORTER_OTLP_ENDPOINT: setup.otlpEndpoint!, OTEL_TRACES_SAMPLER_ARG: '1' };
    case 'slipway-pglite-stock':
      return { ...deployed, ...PGLITE_STOCK_ENV };
    case 'slipway-pglite-optimized-wasm':
      return { ...deployed, PGLITE_OPTIMIZE_WASM: 'true' };
    default:
      return deployed;
  }
}

function serverCommand(stack: Stack, setup: ScenarioSetup, dataDir: string | undefined, port: number, work: string) {
  const dbEnv: NodeJS.ProcessEnv = {};
  if (setup.backend === 'postgres') dbEnv['DATABASE_URL'] = setup.databaseUrl;
  const logFile = join(work, 'logs', `${stack}-${setup.tool}-${setup.backend}.log`);
  if (stack.startsWith('slipway')) {
    if (setup.backend === 'pglite') dbEnv['PGLITE_DATA_DIR'] = dataDir;
    return {
      command: process.execPath,
      args: ['dist/main.js'],
      cwd: setup.service,
      env: { PATH: process.env['PATH'], NODE_ENV: 'production', PORT: String(port), HOST: '127.0.0.1', ...slipwayEnv(stack, setup), ...dbEnv },
      logFile,
    };
  }
  if (setup.backend === 'pglite') dbEnv['BENCH_PGLITE_DIR'] = dataDir;
  return {
    command: process.execPath,
    args: [join(benchDir, 'servers', `${stack}.mjs`)],
    cwd: join(benchDir, 'servers'),
    env: { PATH: process.env['PATH'], NODE_ENV: 'production', PORT: String(port), ...dbEnv },
    logFile,
  };
}

interface LoadTarget {
  readonly url: string;
  readonly serverPid: number | undefined;
  readonly era: Era;
  readonly token?: string;
}

async function runLoad(target: LoadTarget, tool: string, spec: LoadSpec, maxId: number): Promise<LoadOutput> {
  const input = JSON.stringify({ ...target, tool, connections: spec.connections, durationSec: spec.durationSec, warmupSec: spec.warmupSec, maxId });
  const [command, args] = pinned(LOAD_CORE, process.execPath, [join(benchDir, 'load.mjs'), input]);
  const { output } = await timed(command, args, benchDir, process.env);
  const line = output.split('\n').find((l) => l.startsWith('{"requests"'));
  if (!line) throw new Error(`load generator printed no result:\n${output}`);
  const out = JSON.parse(line) as LoadOutput;
  // JSON has no NaN: a server whose CPU time could not be read comes back as null.
  return { ...out, cpuMsPerRequest: out.cpuMsPerRequest ?? Number.NaN };
}

interface Variant {
  readonly stack: Stack;
  readonly era: Era;
}

export async function benchScenario(setup: ScenarioSetup, spec: LoadSpec, work: string, log: (message: string) => void): Promise<ScenarioResult> {
  mkdirSync(join(work, 'logs'), { recursive: true });
  const { stacks } = setup;
  const dataDirs = new Map<Stack, string>();
  if (setup.backend === 'pglite') {
    for (const stack of stacks) {
      const dir = join(work, 'pglite-load', `${stack}-${setup.tool}`);
      cpSync(setup.pgliteTemplate!, dir, { recursive: true });
      dataDirs.set(stack, dir);
    }
  }
  const variants: Variant[] = ERAS.flatMap((era) => stacks.filter((stack) => speaks(stack, era)).map((stack) => ({ stack, era })));
  const key = (v: Variant) => `${v.stack} ${v.era}`;
  const samples = new Map<string, { out: LoadOutput[]; rss: number[] }>(variants.map((v) => [key(v), { out: [], rss: [] }]));
  for (let round = 0; round < spec.rounds; round += 1) {
    for (const variant of rotate(variants, round)) {
      const { stack, era } = variant;
      const port = await freePort();
      const cmd = serverCommand(stack, setup, dataDirs.get(stack), port, work);
      const server = await startServer({ ...cmd, port, readinessPath: '/readyz', core: SERVER_CORE });
      let peak = 0;
      const sampler = setInterval(() => {
        const rss = rssBytes(server.child.pid);
        if (rss > peak) peak = rss;
      }, 200);
      try {
        const token = stack === 'slipway-auth' ? setup.auth!.token : undefined;
        const out = await runLoad({ url: `${server.url}/mcp`, serverPid: server.child.pid, era, ...(token && { token }) }, setup.tool, spec, setup.maxId);
        samples.get(key(variant))!.out.push(out);
        samples.get(key(variant))!.rss.push(peak);
        log(
          `${setup.tool}/${setup.backend} round ${round + 1}/${spec.rounds} ${stack} ${era}: ${Math.round(out.reqPerSec)} req/s, ` +
            `p99 ${out.p99} ms, ${out.cpuMsPerRequest.toFixed(3)} ms CPU/req, bad ${out.badBodies + out.non2xx + out.errors}`,
        );
      } finally {
        clearInterval(sampler);
        await server.stop();
      }
    }
  }
  return {
    tool: setup.tool,
    backend: setup.backend,
    results: variants.map((variant) => {
      const { out, rss } = samples.get(key(variant))!;
      const firstBad = out.find((o) => o.firstBad)?.firstBad;
      return {
        ...variant,
        reqPerSec: summarize(out.map((o) => o.reqPerSec)),
        p50: summarize(out.map((o) => o.p50)),
        p99: summarize(out.map((o) => o.p99)),
        cpuMsPerRequest: summarize(out.map((o) => o.cpuMsPerRequest)),
        errors: out.reduce((n, o) => n + o.errors + o.timeouts, 0),
        non2xx: out.reduce((n, o) => n + o.non2xx, 0),
        badBodies: out.reduce((n, o) => n + o.badBodies, 0),
        sseAnswers: out.reduce((n, o) => n + o.sseAnswers, 0),
        requests: out.reduce((n, o) => n + o.requests, 0),
        rssUnderLoad: summarize(rss),
        ...(firstBad !== undefined && { firstBad }),
      };
    }),
  };
}

const SERVER_FOCUS = /@slipway|@modelcontextprotocol|pino|prom-client|zod|dist\/|node:_http|node:http|undici|web\/|streams/;

/** One extra, profiled load run of the generated service (not counted in the tables). */
export async function profileSlipway(setup: ScenarioSetup, spec: LoadSpec, work: string, era: Era): Promise<ProfileSummary> {
  const dir = join(work, 'profiles', `server-${setup.tool}-${setup.backend}-${era}`);
  const port = await freePort();
  const cmd = serverCommand('slipway', setup, undefined, port, work);
  const server = await startServer({ ...cmd, args: ['--cpu-prof', `--cpu-prof-dir=${dir}`, ...cmd.args], port, readinessPath: '/readyz', core: SERVER_CORE });
  let out: LoadOutput;
  try {
    out = await runLoad({ url: `${server.url}/mcp`, serverPid: server.child.pid, era }, setup.tool, { ...spec, warmupSec: 1 }, setup.maxId);
  } finally {
    await server.stop();
  }
  return summarizeProfile(`generated service, ${setup.tool}, ${era} requests, ${Math.round(out.reqPerSec)} req/s while profiled`, dir, SERVER_FOCUS, 15);
}
