import { cpSync, mkdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { SERVER_CORE, freePort, rssBytes, sleep, startServer, timed } from './processes.js';
import { summarizeProfile, type ProfileSummary } from './profile.js';
import { rotate, summarize, type Summary } from './stats.js';
import { PGLITE_STOCK_ENV } from './throughput.js';

/** Section 4: process start → /readyz 200, and idle RSS, for each database mode of the generated service. */

export type StartMode =
  | 'none'
  | 'pglite-existing'
  | 'postgres'
  | 'pglite-initdb'
  | 'pglite-template'
  // An existing data directory on PGlite's own settings, and with one of them put back: what each bought.
  | 'pglite-stock'
  | 'pglite-stock-buffers'
  | 'pglite-optimized-wasm';

/** The env of the PGlite settings modes, over the runtime's defaults. */
const SETTINGS_ENV: Partial<Record<StartMode, Readonly<Record<string, string>>>> = {
  'pglite-stock': PGLITE_STOCK_ENV,
  'pglite-stock-buffers': { PGLITE_SHARED_BUFFERS: PGLITE_STOCK_ENV['PGLITE_SHARED_BUFFERS']! },
  'pglite-optimized-wasm': { PGLITE_OPTIMIZE_WASM: 'true' },
};

export interface StartResult {
  readonly mode: StartMode;
  readonly ready: Summary;
  readonly idleRss: Summary;
  /** PGlite.create as the runtime logs it ("database opened", ms). */
  readonly pgliteOpen?: Summary;
}

export interface StartSetup {
  readonly noDbService: string;
  readonly dbService: string;
  readonly pgliteTemplate: string;
  readonly databaseUrl: string | undefined;
  /** A PGlite data-directory template, when the runtime can make and use one. */
  readonly template: string | undefined;
}

export interface TemplateResult {
  readonly supported: boolean;
  readonly file?: string;
  readonly createMs?: number;
  readonly bytes?: number;
}

/** Makes the template with the runtime's own createPgliteTemplate (what a build step or image layer would run once). */
export async function makePgliteTemplate(service: string, file: string): Promise<TemplateResult> {
  const script = `const m = await import('@slipway/mcp-runtime/database');
if (typeof m.createPgliteTemplate !== 'function') { console.log('unsupported'); process.exit(0); }
const t = performance.now(); await m.createPgliteTemplate(${JSON.stringify(file)}, ['vector']); console.log(JSON.stringify({ ms: performance.now() - t }));`;
  const { output } = await timed(process.execPath, ['--input-type=module', '-e', script], service, process.env);
  if (output.includes('unsupported')) return { supported: false };
  const { ms } = JSON.parse(output.split('\n').find((l) => l.startsWith('{'))!) as { ms: number };
  return { supported: true, file, createMs: ms, bytes: statSync(file).size };
}

function pgliteOpenMs(logFile: string): number | undefined {
  const lines = readFileSync(logFile, 'utf8').trim().split('\n').reverse();
  for (const line of lines) {
    if (!line.includes('"database opened"')) continue;
    const entry = JSON.parse(line) as { ms?: number };
    return entry.ms;
  }
  return undefined;
}

const START_FOCUS = /@slipway|@electric-sql|pglite|@modelcontextprotocol|zod|pino|prom-client|dist\/|WebAssembly|instantiate|compile/;

/** One profiled start of the PGlite service (a fresh copy of `dataDir`'s contents, or a new one when undefined). */
export async function profileStart(label: string, service: string, work: string, env: NodeJS.ProcessEnv): Promise<ProfileSummary> {
  const dir = join(work, 'profiles', `start-${label.replace(/\W+/g, '-')}`);
  const port = await freePort();
  const server = await startServer({
    command: process.execPath,
    args: ['--cpu-prof', `--cpu-prof-dir=${dir}`, 'dist/main.js'],
    cwd: service,
    env: { PATH: process.env['PATH'], NODE_ENV: 'production', PORT: String(port), HOST: '127.0.0.1', LOG_LEVEL: 'info', ...env },
    port,
    readinessPath: '/readyz',
    core: SERVER_CORE,
    timeoutMs: 120_000,
  });
  await server.stop();
  return summarizeProfile(`${label}: ready in ${Math.round(server.readyMs)} ms (profiled run, slower than unprofiled)`, dir, START_FOCUS);
}

export async function benchStartup(setup: StartSetup, work: string, rounds: number, initdbRounds: number, log: (m: string) => void): Promise<StartResult[]> {
  const modes: StartMode[] = ['none', 'pglite-existing', 'pglite-stock', 'pglite-stock-buffers', 'pglite-optimized-wasm', 'pglite-initdb'];
  if (setup.template) modes.push('pglite-template');
  if (setup.databaseUrl) modes.push('postgres');
  const samples = new Map<StartMode, { ready: number[]; rss: number[]; open: number[] }>(modes.map((m) => [m, { ready: [], rss: [], open: [] }]));
  const existing = join(work, 'pglite-startup', 'existing');
  mkdirSync(join(work, 'pglite-startup'), { recursive: true });
  cpSync(setup.pgliteTemplate, existing, { recursive: true });

  for (let round = 0; round < rounds; round += 1) {
    for (const mode of rotate(modes, round)) {
      if ((mode === 'pglite-initdb' || mode === 'pglite-template') && round >= initdbRounds) continue;
      const port = await freePort();
      const env: NodeJS.ProcessEnv = { PATH: process.env['PATH'], NODE_ENV: 'production', PORT: String(port), HOST: '127.0.0.1', LOG_LEVEL: 'info' };
      const fresh = join(work, 'pglite-startup', `fresh-${round}`);
      if (mode === 'pglite-existing' || SETTINGS_ENV[mode]) env['PGLITE_DATA_DIR'] = existing;
      Object.assign(env, SETTINGS_ENV[mode]);
      if (mode === 'pglite-initdb' || mode === 'pglite-template') env['PGLITE_DATA_DIR'] = fresh;
      if (mode === 'pglite-template') env['PGLITE_TEMPLATE'] = setup.template;
      // A template that doesn't exist: the runtime runs initdb, as a service without one would.
      if (mode === 'pglite-initdb') env['PGLITE_TEMPLATE'] = join(work, 'no-pglite-template.tgz');
      if (mode === 'postgres') env['DATABASE_URL'] = setup.databaseUrl;
      const logFile = join(work, 'logs', `startup-${mode}-${round}.log`);
      const server = await startServer({
        command: process.execPath,
        args: ['dist/main.js'],
        cwd: mode === 'none' ? setup.noDbService : setup.dbService,
        env,
        port,
        readinessPath: '/readyz',
        core: SERVER_CORE,
        logFile,
        timeoutMs: 120_000,
      });
      await sleep(1500);
      const rss = rssBytes(server.child.pid);
      await server.stop();
      const s = samples.get(mode)!;
      s.ready.push(server.readyMs);
      s.rss.push(rss);
      const open = mode.startsWith('pglite') ? pgliteOpenMs(logFile) : undefined;
      if (open !== undefined) s.open.push(open);
      if (mode === 'pglite-initdb' || mode === 'pglite-template') rmSync(fresh, { recursive: true, force: true });
      log(`start-up round ${round + 1}/${rounds} ${mode}: ready in ${Math.round(server.readyMs)} ms, idle RSS ${Math.round(rss / 1048576)} MB`);
    }
  }
  return modes.map((mode) => {
    const s = samples.get(mode)!;
    return {
      mode,
      ready: summarize(s.ready),
      idleRss: summarize(s.rss),
      ...(s.open.length > 0 && { pgliteOpen: summarize(s.open) }),
    };
  });
}
