import { cpSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { LOAD_CORE, SERVER_CORE, freePort, pinned, rssBytes, startServer, timed } from './processes.js';
import { summarizeProfile, type ProfileSummary } from './profile.js';
import { rotate, summarize, type Summary } from './stats.js';
import { benchDir } from './workspaces.js';

/** Section 3: the same tools on four stacks, stateless Streamable HTTP on loopback, under autocannon. */

export type Stack = 'slipway' | 'bare-v2' | 'sdk-v1' | 'fastmcp';
export const STACKS: readonly Stack[] = ['slipway', 'bare-v2', 'sdk-v1', 'fastmcp'];
export type Backend = 'none' | 'pglite' | 'postgres';

export interface LoadSpec {
  readonly connections: number;
  readonly warmupSec: number;
  readonly durationSec: number;
  readonly rounds: number;
}

export interface StackResult {
  readonly stack: Stack;
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

interface LoadOutput {
  requests: number;
  reqPerSec: number;
  p50: number;
  p99: number;
  errors: number;
  timeouts: number;
  non2xx: number;
  badBodies: number;
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
}

function serverCommand(stack: Stack, setup: ScenarioSetup, dataDir: string | undefined, port: number, work: string) {
  const dbEnv: NodeJS.ProcessEnv = {};
  if (setup.backend === 'postgres') dbEnv['DATABASE_URL'] = setup.databaseUrl;
  const logFile = join(work, 'logs', `${stack}-${setup.tool}-${setup.backend}.log`);
  if (stack === 'slipway') {
    if (setup.backend === 'pglite') dbEnv['PGLITE_DATA_DIR'] = dataDir;
    return {
      command: process.execPath,
      args: ['dist/main.js'],
      cwd: setup.service,
      // Production settings: info-level JSON logs (to a file, as a container runtime would collect them) and metrics on.
      env: { PATH: process.env['PATH'], NODE_ENV: 'production', PORT: String(port), HOST: '127.0.0.1', LOG_LEVEL: 'info', METRICS_ENABLED: 'true', ...dbEnv },
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

async function runLoad(url: string, tool: string, spec: LoadSpec, maxId: number): Promise<LoadOutput> {
  const input = JSON.stringify({ url, tool, connections: spec.connections, durationSec: spec.durationSec, warmupSec: spec.warmupSec, maxId });
  const [command, args] = pinned(LOAD_CORE, process.execPath, [join(benchDir, 'load.mjs'), input]);
  const { output } = await timed(command, args, benchDir, process.env);
  const line = output.split('\n').find((l) => l.startsWith('{"requests"'));
  if (!line) throw new Error(`load generator printed no result:\n${output}`);
  return JSON.parse(line) as LoadOutput;
}

export async function benchScenario(
  setup: ScenarioSetup,
  spec: LoadSpec,
  work: string,
  log: (message: string) => void,
  stacks: readonly Stack[] = STACKS,
): Promise<ScenarioResult> {
  mkdirSync(join(work, 'logs'), { recursive: true });
  const dataDirs = new Map<Stack, string>();
  if (setup.backend === 'pglite') {
    for (const stack of stacks) {
      const dir = join(work, 'pglite-load', `${stack}-${setup.tool}`);
      cpSync(setup.pgliteTemplate!, dir, { recursive: true });
      dataDirs.set(stack, dir);
    }
  }
  const samples = new Map<Stack, { out: LoadOutput[]; rss: number[] }>(stacks.map((s) => [s, { out: [], rss: [] }]));
  for (let round = 0; round < spec.rounds; round += 1) {
    for (const stack of rotate(stacks, round)) {
      const port = await freePort();
      const cmd = serverCommand(stack, setup, dataDirs.get(stack), port, work);
      const server = await startServer({ ...cmd, port, readinessPath: '/readyz', core: SERVER_CORE });
      let peak = 0;
      const sampler = setInterval(() => {
        const rss = rssBytes(server.child.pid);
        if (rss > peak) peak = rss;
      }, 200);
      try {
        const out = await runLoad(`${server.url}/mcp`, setup.tool, spec, setup.maxId);
        samples.get(stack)!.out.push(out);
        samples.get(stack)!.rss.push(peak);
        log(`${setup.tool}/${setup.backend} round ${round + 1}/${spec.rounds} ${stack}: ${Math.round(out.reqPerSec)} req/s, p99 ${out.p99} ms, bad ${out.badBodies + out.non2xx + out.errors}`);
      } finally {
        clearInterval(sampler);
        await server.stop();
      }
    }
  }
  return {
    tool: setup.tool,
    backend: setup.backend,
    results: stacks.map((stack) => {
      const { out, rss } = samples.get(stack)!;
      const firstBad = out.find((o) => o.firstBad)?.firstBad;
      return {
        stack,
        reqPerSec: summarize(out.map((o) => o.reqPerSec)),
        p50: summarize(out.map((o) => o.p50)),
        p99: summarize(out.map((o) => o.p99)),
        errors: out.reduce((n, o) => n + o.errors + o.timeouts, 0),
        non2xx: out.reduce((n, o) => n + o.non2xx, 0),
        badBodies: out.reduce((n, o) => n + o.badBodies, 0),
        requests: out.reduce((n, o) => n + o.requests, 0),
        rssUnderLoad: summarize(rss),
        ...(firstBad !== undefined && { firstBad }),
      };
    }),
  };
}

const SERVER_FOCUS = /@slipway|@modelcontextprotocol|pino|prom-client|zod|dist\/|node:_http|node:http|undici|web\/|streams/;

/** One extra, profiled load run of the generated service (not counted in the tables). */
export async function profileSlipway(setup: ScenarioSetup, spec: LoadSpec, work: string): Promise<ProfileSummary> {
  const dir = join(work, 'profiles', `server-${setup.tool}-${setup.backend}`);
  const port = await freePort();
  const cmd = serverCommand('slipway', setup, undefined, port, work);
  const server = await startServer({ ...cmd, args: ['--cpu-prof', `--cpu-prof-dir=${dir}`, ...cmd.args], port, readinessPath: '/readyz', core: SERVER_CORE });
  let out: LoadOutput;
  try {
    out = await runLoad(`${server.url}/mcp`, setup.tool, { ...spec, warmupSec: 1 }, setup.maxId);
  } finally {
    await server.stop();
  }
  return summarizeProfile(`generated service, ${setup.tool}, ${Math.round(out.reqPerSec)} req/s while profiled`, dir, SERVER_FOCUS, 15);
}
