import type { GeneratorResults, InProcess } from './generator.js';
import type { ImageResult } from './image.js';
import type { Machine } from './machine.js';
import { LOAD_CORE, SERVER_CORE } from './processes.js';
import { SLIPWAY_AREAS, type ProfileSummary } from './profile.js';
import { mb, ms, num, ratio, spread, type Summary } from './stats.js';
import type { StartMode, StartResult, TemplateResult } from './startup.js';
import type { Era, ScenarioResult, Stack, StackResult } from './throughput.js';
import type { UpdateResult } from './update.js';
import type { PluginOffer } from './workspaces.js';

/** BENCHMARKS.md: every table from one run, the targets checked against them, and the profiles. */

export interface Report {
  readonly quick: boolean;
  readonly durationSec: number;
  readonly machine: Machine;
  readonly versions: ReadonlyArray<[string, string]>;
  readonly offer: PluginOffer;
  readonly generator: GeneratorResults | undefined;
  readonly update: UpdateResult | undefined;
  readonly scenarios: readonly ScenarioResult[];
  readonly startup: readonly StartResult[];
  readonly template: TemplateResult | undefined;
  readonly pgliteFirstStartMs: number | undefined;
  readonly image: ImageResult | undefined;
  readonly profiles: readonly ProfileSummary[];
}

const STACK_NAMES: Record<Stack, string> = {
  slipway: 'Generated service (@slipway/mcp-runtime: metrics, info logs, Host/Origin checks)',
  'slipway-quiet': '… with metrics off and warn-level logs (`METRICS_ENABLED=false`, `LOG_LEVEL=warn`)',
  'slipway-auth': '… with bearer auth (RS256 JWT, cached JWKS)',
  'slipway-tracing': '… with tracing (every request sampled; spans of the request and the tool call exported over OTLP/HTTP)',
  'slipway-pglite-stock': "… on PGlite's own settings (shared_buffers 128MB, optimized WASM, …)",
  'slipway-pglite-optimized-wasm': "… on the runtime's settings but optimized WASM (`PGLITE_OPTIMIZE_WASM=true`)",
  'bare-v2': 'Bare SDK v2 (`createMcpHandler` + `toNodeHandler`)',
  'sdk-v1': 'Legacy SDK 1.x (stateless `StreamableHTTPServerTransport`)',
  fastmcp: 'FastMCP (stateless httpStream)',
};

const MODE_NAMES: Record<StartMode, string> = {
  none: 'No database (`--database=none`)',
  'pglite-existing': 'PGlite, existing data directory',
  postgres: 'PostgreSQL (`DATABASE_URL`)',
  'pglite-initdb': 'PGlite, first-ever start (initdb)',
  'pglite-template': 'PGlite, first start from a data-directory template',
  'pglite-stock': "PGlite, existing data directory, PGlite's own settings (the old defaults)",
  'pglite-stock-buffers': '… the new defaults but `PGLITE_SHARED_BUFFERS=128MB`',
  'pglite-optimized-wasm': '… the new defaults but `PGLITE_OPTIMIZE_WASM=true`',
};

/** The settings modes: not start-up figures of their own, they feed the memory table. */
const SETTINGS_MODES: ReadonlySet<StartMode> = new Set(['pglite-stock', 'pglite-stock-buffers', 'pglite-optimized-wasm']);

function table(header: readonly string[], rows: ReadonlyArray<readonly string[]>): string {
  const line = (cells: readonly string[]) => `| ${cells.map((c) => String(c ?? '').replace(/\|/g, '\\|')).join(' | ')} |`;
  return [line(header), line(header.map(() => '---')), ...rows.map(line)].join('\n');
}

const yes = (ok: boolean | undefined) => (ok === undefined ? 'n/a' : ok ? 'yes' : '**no**');
const msSpread = (s: Summary) => spread(s, s.median < 10 ? 2 : 0);

interface Target {
  readonly goal: string;
  readonly measured: string;
  readonly met: boolean | undefined;
}

function scenario(report: Report, tool: string, backend: string): ScenarioResult | undefined {
  return report.scenarios.find((s) => s.tool === tool && s.backend === backend);
}

function stack(s: ScenarioResult | undefined, name: Stack, era: Era = '2025-11-25'): StackResult | undefined {
  return s?.results.find((r) => r.stack === name && r.era === era);
}

const ERA_ORDER: readonly Era[] = ['2026-07-28', '2025-11-25'];

function targets(report: Report): Target[] {
  const rows: Target[] = [];
  const small = scenario(report, 'text_stats', 'none');
  for (const era of ERA_ORDER) {
    const ours = stack(small, 'slipway', era);
    const bare = stack(small, 'bare-v2', era);
    if (!ours || !bare) continue;
    const r = ours.reqPerSec.median / bare.reqPerSec.median;
    rows.push({
      goal: `Throughput ≥ 2× the bare SDK v2 server, ${era} requests`,
      measured: `${ratio(ours.reqPerSec.median, bare.reqPerSec.median)} (${num(ours.reqPerSec.median)} vs ${num(bare.reqPerSec.median)} req/s)`,
      met: r >= 2,
    });
    rows.push({
      goal: `p99 ≤ the bare SDK v2 server's, ${era} requests`,
      measured: `${ratio(ours.p99.median, bare.p99.median)} (${num(ours.p99.median)} vs ${num(bare.p99.median)} ms)`,
      met: ours.p99.median <= bare.p99.median,
    });
    const quiet = stack(small, 'slipway-quiet', era);
    if (quiet)
      rows.push({
        goal: `Metrics and info logs cost ≤ 15% throughput, ${era}`,
        measured: `${ratio(ours.reqPerSec.median, quiet.reqPerSec.median)} of the quiet service`,
        met: ours.reqPerSec.median >= 0.85 * quiet.reqPerSec.median,
      });
    const authed = stack(small, 'slipway-auth', era);
    if (authed)
      rows.push({
        goal: `Bearer auth (cached JWKS) costs ≤ 15% throughput, ${era}`,
        measured: `${ratio(authed.reqPerSec.median, ours.reqPerSec.median)} of the service without auth`,
        met: authed.reqPerSec.median >= 0.85 * ours.reqPerSec.median,
      });
    const traced = stack(small, 'slipway-tracing', era);
    if (traced)
      rows.push({
        goal: `Tracing (every request sampled) costs ≤ 15% throughput, ${era}`,
        measured: `${ratio(traced.reqPerSec.median, ours.reqPerSec.median)} of the service without tracing`,
        met: traced.reqPerSec.median >= 0.85 * ours.reqPerSec.median,
      });
  }
  const ours = stack(small, 'slipway');
  const fast = stack(small, 'fastmcp');
  const pglite = scenario(report, 'get_note', 'pglite');
  const pgNew = stack(pglite, 'slipway', '2026-07-28');
  const pgStock = stack(pglite, 'slipway-pglite-stock', '2026-07-28');
  if (pgNew && pgStock) {
    rows.push({
      goal: "PGlite `get_note` throughput ≥ 0.9× on PGlite's own settings (2026-07-28)",
      measured: `${ratio(pgNew.reqPerSec.median, pgStock.reqPerSec.median)} (${num(pgNew.reqPerSec.median)} vs ${num(pgStock.reqPerSec.median)} req/s)`,
      met: pgNew.reqPerSec.median >= 0.9 * pgStock.reqPerSec.median,
    });
  }
  if (ours && fast) {
    rows.push({
      goal: 'Throughput above FastMCP',
      measured: `${ratio(ours.reqPerSec.median, fast.reqPerSec.median)} of FastMCP`,
      met: ours.reqPerSec.median > fast.reqPerSec.median,
    });
  }
  const g = report.generator;
  if (g) {
    rows.push({
      goal: '`nx g` no slower than `@nx/node:application`',
      measured: `${ratio(g.nx23.slipway.median, g.nx23.nxNode.median)} (${ms(g.nx23.slipway.median)} vs ${ms(g.nx23.nxNode.median)} ms)`,
      met: g.nx23.slipway.median <= g.nx23.nxNode.median,
    });
    if (g.deployCommands.length > 0) {
      rows.push({
        goal: '… with all deploy targets',
        measured: `${ratio(g.nx23.slipwayAll.median, g.nx23.nxNode.median)} (${ms(g.nx23.slipwayAll.median)} ms${g.deployCommands.length > 1 ? ` for ${g.deployCommands.length} \`nx g\` calls` : ''})`,
        met: g.nx23.slipwayAll.median <= g.nx23.nxNode.median,
      });
    }
    const cold = g.nx23.slipwayInProcess.cold.median;
    rows.push({ goal: "The generator's own time < 100 ms", measured: `${ms(cold)} ms (first call in a process, 0 other projects)`, met: cold < 100 });
    if (g.deployCommands.length > 0) {
      const all = g.nx23.slipwayAllInProcess.cold.median;
      rows.push({ goal: '… with all deploy targets', measured: `${ms(all)} ms`, met: all < 100 });
    }
    const first = g.scaling[0];
    const last = g.scaling[g.scaling.length - 1];
    if (first && last && last !== first) {
      rows.push({
        goal: `${last.projects} projects ≤ 1.5× of ${first.projects} (wall time)`,
        measured: ratio(last.wall.median, first.wall.median),
        met: last.wall.median <= 1.5 * first.wall.median,
      });
      rows.push({
        goal: `… the generator's own time`,
        measured: `${ratio(last.inProcess.cold.median, first.inProcess.cold.median)} (${ms(first.inProcess.cold.median)} → ${ms(last.inProcess.cold.median)} ms)`,
        met: last.inProcess.cold.median <= 1.5 * first.inProcess.cold.median,
      });
      rows.push({
        goal: `… the generator's own time < 100 ms at ${last.projects} projects`,
        measured: `${ms(last.inProcess.cold.median)} ms`,
        met: last.inProcess.cold.median < 100,
      });
    }
  }
  const u = report.update;
  if (u?.available && 'median' in u.update) {
    rows.push({ goal: `\`update --all\` over ${u.services} services < 30 s`, measured: `${num(u.update.median / 1000)} s`, met: u.update.median < 30_000 });
  }
  const start = (mode: StartMode) => report.startup.find((s) => s.mode === mode);
  const none = start('none');
  if (none) rows.push({ goal: 'Cold start < 1 s without a database', measured: `${ms(none.ready.median)} ms`, met: none.ready.median < 1000 });
  const existing = start('pglite-existing');
  if (existing)
    rows.push({
      goal: 'Cold start < 2 s on PGlite with an existing data directory',
      measured: `${ms(existing.ready.median)} ms`,
      met: existing.ready.median < 2000,
    });
  const initdb = start('pglite-initdb');
  const template = start('pglite-template');
  if (initdb) {
    rows.push({
      goal: 'PGlite first-ever start (initdb) brought down',
      measured: template ? `${ms(initdb.ready.median)} → ${ms(template.ready.median)} ms with the template` : `${ms(initdb.ready.median)} ms`,
      met: template ? template.ready.median < initdb.ready.median / 2 : undefined,
    });
  }
  for (const s of report.startup) {
    if (s.mode === 'pglite-initdb' || s.mode === 'pglite-template' || SETTINGS_MODES.has(s.mode)) continue;
    // PGlite runs PostgreSQL in the process: its target is the pod's, under 200 MB; the others' 100 MB.
    const limit = s.mode === 'pglite-existing' ? 200 : 100;
    rows.push({ goal: `Idle RSS < ${limit} MB: ${MODE_NAMES[s.mode]}`, measured: `${mb(s.idleRss.median)} MB`, met: s.idleRss.median < limit * 1024 * 1024 });
  }
  return rows;
}

function inProcessRow(label: string, p: InProcess): string[] {
  return [label, msSpread(p.load), msSpread(p.cold), msSpread(p.warm), String(p.files)];
}

function generatorSection(g: GeneratorResults | undefined, offer: PluginOffer): string {
  if (!g) return '## 1. Generator\n\nNot run (`--only`).\n';
  const nx = g.nx23;
  const deploy = g.deployCommands.length > 0;
  const wallRows = [
    [
      `\`nx g @slipway/nx:new-mcp-service orders\`${offer.deployOption ? ' (its default deploy targets)' : ''}`,
      msSpread(nx.slipway),
      ratio(nx.slipway.median, nx.nxNode.median),
    ],
    ...(deploy
      ? [
          [
            g.deployCommands.length > 1 ? `… with all deploy targets (${g.deployCommands.length} \`nx g\` calls, summed)` : `\`${g.deployCommands[0]}\``,
            msSpread(nx.slipwayAll),
            ratio(nx.slipwayAll.median, nx.nxNode.median),
          ],
        ]
      : []),
    ['`nx g @nx/node:application --directory=apps/api --framework=express --docker`', msSpread(nx.nxNode), '1.00×'],
    ['`nx g @slipway/nx:init` on an initialised workspace (changes nothing: the floor)', msSpread(nx.floor), ratio(nx.floor.median, nx.nxNode.median)],
  ];
  const inRows = [
    inProcessRow('new-mcp-service', nx.slipwayInProcess),
    ...(deploy ? [inProcessRow('new-mcp-service + all deploy targets', nx.slipwayAllInProcess)] : []),
    inProcessRow('@nx/node:application (express, docker)', nx.nxNodeInProcess),
  ];
  const first = g.scaling[0];
  const scaleRows = g.scaling.map((s) => [
    String(s.projects),
    msSpread(s.wall),
    first ? ratio(s.wall.median, first.wall.median) : '',
    msSpread(s.inProcess.cold),
    msSpread(s.inProcess.warm),
    first ? ratio(s.inProcess.cold.median, first.inProcess.cold.median) : '',
  ]);
  return `## 1. Generator

Wall time of one \`nx g\`, in a fresh nx 23.2.1 workspace, reset with git after every run so that each run meets
the same workspace. Why nx 23: the newest \`@nx/node\` on the registry is 23.2.1, it pins \`@nx/devkit\` and \`@nx/js\`
23.2.1 exactly, and Nx wants all its packages on nx's own version, so the fair comparison is both generators on
nx 23.2.1. @slipway/nx runs there unchanged (its \`@nx/devkit\` 24.0.0 accepts nx >= 23); its timing on nx 24.0.6,
what Slipway is tested with, is the scaling table below. ${g.rounds} runs each, alternating. Nx daemon off (\`NX_DAEMON=false\`, so every run builds the project
graph itself), and \`npm\` replaced by a stub that only answers \`--version\`: both generators end with an
\`npm install\` (\`@nx/node\` has no option to skip it), which would otherwise time the network.

${deploy ? `Deploy targets: ${offer.deployOption ? `new-mcp-service's \`--${offer.deployOption}\` option, all of ${offer.deployTargets.map((d) => `\`${d}\``).join(', ')}` : `no \`--deploy\` option in this build, so each deploy generator this build offers (${offer.deployGenerators.map((d) => `\`${d}\``).join(', ')}) runs as its own \`nx g\` after new-mcp-service`}:\n${g.deployCommands.map((c) => `- \`${c}\``).join('\n')}\n` : 'Deploy targets: this build offers none.\n'}
${offer.brokenTargets.map((b) => `- Left out, because it fails in this build: \`${b.target}\` (${b.error.replace(/`/g, "'")})\n`).join('')}
${table(['Command', 'Wall ms, median (min–max)', 'vs @nx/node'], wallRows)}

**The generator's own time**, without Nx's start-up: the generator function called on Nx's \`FsTree\` over the
same workspace, nothing written (\`tools/bench/gen-timing.mjs\`). "First call" is what one \`nx g\` pays.

${table(['Generator', 'Loading its modules, ms', 'First call, ms', 'Later calls, ms', 'Files'], inRows)}

**Scaling**: nx ${g.nx24.projects === g.scaling[0]?.projects ? '24' : ''} workspaces (what Slipway is tested with) holding that many project.json stubs, plain
\`nx g @slipway/nx:new-mcp-service orders\`, alternating. The floor (\`nx g @slipway/nx:init\`, no changes) in the
${g.nx24.projects}-project workspace: ${msSpread(g.nx24.floor)} ms.

${table(['Existing projects', 'nx g wall ms', 'vs first', 'Own time, first call ms', 'Own time, later calls ms', 'vs first'], scaleRows)}
`;
}

function updateSection(u: UpdateResult | undefined): string {
  if (!u) return '## 2. Update and migrations\n\nNot run (`--only`).\n';
  if (!u.available) return `## 2. Update and migrations\n\nNot available in this build: ${u.reason}.\n`;
  const cell = (v: Summary | { error: string } | { unavailable: string }) =>
    'median' in v ? `${spread(v, 0)} ms` : 'error' in v ? `failed: ${v.error}` : `not available in this build: ${v.unavailable}`;
  return `## 2. Update and migrations

A workspace of ${u.services} services, each from \`new-mcp-service\`${u.layers.length > 0 ? ` plus ${u.layers.map((l) => `\`${l}\``).join(', ')}` : ''}
(${u.files.toLocaleString('en-US')} files; generated in one process in ${num(u.generateMs / 1000)} s as set-up${u.failedLayers.length > 0 ? `; these layers failed and were left out: ${u.failedLayers.join(', ')}` : ''}),
then user edits in every service: a section appended to README.md (managed), a script added to package.json
(managed), a line in src/capabilities/text-stats.ts (write-once). Reset with git after each run; daemon off.

${table(
  ['Command', 'Wall, median (min–max)'],
  [
    [`\`nx g @slipway/nx:update --all\``, cell(u.update)],
    [`\`nx migrate --run-migrations\` (${u.migrations.length} migrations: ${u.migrations.join(', ')})`, cell(u.migrate)],
  ],
)}

The services are at the installed Slipway version, so \`update\` re-renders every recorded generation and
merges each edited file, but has no template change to apply; an update across releases also unpacks the
older release once (npm pack, cached) and renders it a second time per generation.
`;
}

function scenarioSection(s: ScenarioResult): string {
  const rows = ERA_ORDER.flatMap((era) =>
    s.results
      .filter((r) => r.era === era)
      .map((r) => {
        const bare = stack(s, 'bare-v2', era);
        return [
          STACK_NAMES[r.stack],
          era,
          spread(r.reqPerSec, 0),
          bare ? ratio(r.reqPerSec.median, bare.reqPerSec.median) : '',
          spread(r.p50, 1),
          spread(r.p99, 1),
          bare ? ratio(r.p99.median, bare.p99.median) : '',
          spread(r.cpuMsPerRequest, 3),
          `${r.errors} / ${r.non2xx} / ${r.badBodies}`,
          r.sseAnswers === 0 ? 'JSON' : r.sseAnswers === r.requests ? 'SSE' : `${r.sseAnswers.toLocaleString('en-US')} SSE`,
          r.requests.toLocaleString('en-US'),
          `${mb(r.rssUnderLoad.median)} (${mb(r.rssUnderLoad.min)}–${mb(r.rssUnderLoad.max)})`,
        ];
      }),
  );
  const title =
    s.tool === 'text_stats'
      ? '### `text_stats` (pure CPU: counts words of a short text), no database'
      : `### \`get_note\` (SELECT by primary key) on ${s.backend === 'pglite' ? 'PGlite (embedded, in the server process)' : 'PostgreSQL (pg Pool of 10)'}`;
  const bad = s.results.filter((r) => r.firstBad);
  return `${title}

${table(['Server', 'Requests of', 'req/s', 'vs bare v2', 'p50 ms', 'p99 ms', 'p99 vs bare v2', 'CPU ms/request', 'Socket errors / non-2xx / wrong', 'Answers', 'Requests', 'RSS under load, MB'], rows)}
${bad.map((r) => `\nFirst wrong answer from ${r.stack} (${r.era}): \`${r.firstBad!.slice(0, 200)}\``).join('')}
`;
}

function throughputSection(report: Report, load: string): string {
  if (report.scenarios.length === 0) return '## 3. Server throughput\n\nNot run (`--only`).\n';
  return `## 3. Server throughput

Each server exposes the same tools (\`tools/bench/servers/tools.mjs\`: \`text_stats\` from the generated service's
template, and a \`get_note\` SELECT by id that the bench adds to the generated service as a user would) and serves
stateless Streamable HTTP on 127.0.0.1. ${load} Every server gets \`tools/call\`s of each protocol era it speaks:

- **2026-07-28** (what current clients send): \`MCP-Protocol-Version: 2026-07-28\`, \`Mcp-Method: tools/call\`,
  \`Mcp-Name: <tool>\` and \`params._meta\` with \`io.modelcontextprotocol/protocolVersion\` and
  \`io.modelcontextprotocol/clientCapabilities\`. The SDK v2 servers answer them with JSON.
- **2025-11-25**: \`Accept: application/json, text/event-stream\`, \`MCP-Protocol-Version: 2025-11-25\`, no \`initialize\`.
  SDK 1.x and FastMCP (on SDK 1.x) speak only this era.

Every answer's body is parsed (JSON, or the SSE \`data:\` line) and checked against the expected result: "wrong"
counts wrong or missing results; "Answers" says whether they came as one JSON body or as SSE. Medians (min–max)
over the rounds; servers, variants and eras alternate, a fresh process per run. "CPU ms/request" is the server
process's user + system time (\`/proc/PID/stat\`) over the measured run divided by the requests answered. RSS is
the peak resident set sampled every 200 ms during the measured run.

- The generated service is \`node dist/main.js\` as Nx built it: \`NODE_ENV=production\`, \`LOG_LEVEL=info\` (one
  JSON line per request, to a file), \`METRICS_ENABLED=true\`. It answers 2025-era requests to tools that send no
  notifications with JSON. Its variants differ only in env, from the same build: quiet (metrics off, warn-level
  logs: what metrics and the access log cost), bearer auth (\`AUTH_*\` set: the runtime's JWT verifier against a
  stand-in issuer's JWKS on loopback, fetched once and cached, each token's verdict reused until it expires), traced
  (\`OTEL_EXPORTER_OTLP_ENDPOINT\` at a sink on loopback that counts the spans, every request sampled), and on PGlite,
  PGlite's own settings (the old defaults) and the runtime's settings with optimized WASM.
- The bare v2 and legacy v1 servers follow their SDK's stateless examples: a new McpServer per request, zod
  schemas built once at start-up, no logging or metrics; both answer 2025-era requests with SSE. FastMCP logs each
  request to stderr (to a file here), answers with SSE and returns no structuredContent (it has no output schemas).
- The database seeded with ${'1,000'} notes through the generated service's own migrations. On PGlite each server has
  its own copy of the data directory; on PostgreSQL they share one server.

${report.scenarios.map(scenarioSection).join('\n')}`;
}

/** Idle RSS from start-up and RSS and throughput under load, for PGlite's own settings and the runtime's. */
function memorySection(report: Report): string {
  const start = (mode: StartMode) => report.startup.find((x) => x.mode === mode);
  const pglite = scenario(report, 'get_note', 'pglite');
  const rows: string[][] = [];
  const load = (name: Stack) => ERA_ORDER.map((era) => stack(pglite, name, era));
  const row = (label: string, mode: StartMode, loaded?: Stack) => {
    const idle = start(mode);
    if (!idle) return;
    const [modern, legacy] = loaded ? load(loaded) : [undefined, undefined];
    rows.push([
      label,
      `${mb(idle.idleRss.median)} (${mb(idle.idleRss.min)}–${mb(idle.idleRss.max)})`,
      modern ? `${mb(modern.rssUnderLoad.median)} (${mb(modern.rssUnderLoad.min)}–${mb(modern.rssUnderLoad.max)})` : '',
      modern ? spread(modern.reqPerSec, 0) : '',
      legacy ? spread(legacy.reqPerSec, 0) : '',
      msSpread(idle.ready),
    ]);
  };
  row(
    "PGlite's own settings: shared_buffers 128MB, work_mem 4MB, maintenance_work_mem 64MB, temp_buffers 8MB, WAL 80MB–1GB, optimized WASM",
    'pglite-stock',
    'slipway-pglite-stock',
  );
  row("The runtime's defaults: 16MB, 2MB, 16MB, 2MB, WAL 32MB–128MB, baseline WASM only (Liftoff)", 'pglite-existing', 'slipway');
  row('… but `PGLITE_SHARED_BUFFERS=128MB`', 'pglite-stock-buffers');
  row('… but `PGLITE_OPTIMIZE_WASM=true`', 'pglite-optimized-wasm', 'slipway-pglite-optimized-wasm');
  if (rows.length === 0) return '';
  const stock = load('slipway-pglite-stock');
  const ours = load('slipway');
  const ratios = ERA_ORDER.map((era, i) => (stock[i] && ours[i] ? `${ratio(ours[i].reqPerSec.median, stock[i].reqPerSec.median)} (${era})` : undefined)).filter(
    Boolean,
  );
  return `## PGlite memory

The generated service on PGlite with an existing data directory, \`get_note\` under the same load as above. The
settings are the service's \`PGLITE_*\` variables (\`PGLITE_SHARED_BUFFERS\`, \`PGLITE_WORK_MEM\`,
\`PGLITE_MAINTENANCE_WORK_MEM\`, \`PGLITE_TEMP_BUFFERS\`, \`PGLITE_MIN_WAL_SIZE\`, \`PGLITE_MAX_WAL_SIZE\`,
\`PGLITE_OPTIMIZE_WASM\`), passed to PGlite as \`-c\` start parameters after its own. The last two rows put one
setting back to see what it bought (shared_buffers idle only); work_mem, maintenance_work_mem, temp_buffers and the WAL sizes
bound memory that sorts, index builds, temporary tables and checkpoints take when they run, not the idle floor.

${table(['Settings', 'Idle RSS, MB', 'RSS under load, MB', 'get_note req/s, 2026-07-28', 'get_note req/s, 2025-11-25', 'Ready, ms'], rows)}

${ratios.length > 0 ? `Throughput on the runtime's defaults against PGlite's own: ${ratios.join(', ')}.\n` : ''}`;
}

function startupSection(report: Report): string {
  if (report.startup.length === 0) return '## 4. Start-up\n\nNot run (`--only`).\n';
  const rows = report.startup
    .filter((s) => !SETTINGS_MODES.has(s.mode))
    .map((s) => [
      MODE_NAMES[s.mode],
      `${msSpread(s.ready)}`,
      s.pgliteOpen ? msSpread(s.pgliteOpen) : '',
      `${mb(s.idleRss.median)} (${mb(s.idleRss.min)}–${mb(s.idleRss.max)})`,
      String(s.ready.runs),
    ]);
  const t = report.template;
  return `## 4. Start-up

\`node dist/main.js\` of the generated service, from spawn to the first \`200\` of \`/readyz\` (polled every 5 ms),
server pinned to its core. Idle RSS is read 1.5 s after ready. "PGlite open" is \`PGlite.create\` as the runtime
logs it. Modes alternate.

${table(['Mode', 'Ready, ms', 'PGlite open, ms', 'Idle RSS, MB', 'Runs'], rows)}

${report.pgliteFirstStartMs !== undefined ? `The set-up's own first start of the PGlite service on a new data directory (initdb and migrations, before the seeding) took ${ms(report.pgliteFirstStartMs)} ms.\n\n` : ''}${
    t?.supported
      ? `The template: \`createPgliteTemplate\` (\`@slipway/mcp-runtime/database\`) made a ${mb(t.bytes!)} MB gzipped tarball of a fresh data
directory in ${num(t.createMs! / 1000)} s (once: a build step or an image layer). \`openDatabase\` unpacks it (PGlite's \`loadDataDir\`) into a
data directory that has no \`PG_VERSION\` yet, instead of running initdb; the bench passes it as \`PGLITE_TEMPLATE\`.`
      : 'The runtime in this build cannot make a PGlite data-directory template.'
  }
`;
}

function imageSection(image: ImageResult | undefined): string {
  if (!image) return '## 5. Image\n\nNot run (`--only`).\n';
  if (!image.available) return `## 5. Image\n\nPending: ${image.reason}.\n`;
  const added = image.imageBytes - image.baseBytes;
  return `## 5. Image

\`nx g @slipway/nx:docker ${image.service}\`'s Dockerfile, built with podman (\`--format docker\`, the pinned base swapped for
${image.base} with \`--build-context\`, \`tools/stand-in-base-image.ts\`).

${table(
  ['', 'Size'],
  [
    ['Base (stand-in)', `${mb(image.baseBytes)} MB`],
    ['Image', `${mb(image.imageBytes)} MB`],
    ['Added above the base', `**${mb(added)} MB**`],
    ...(Number.isFinite(image.cachedBuildSec)
      ? [
          ['Build, no cache', `${num(image.buildSec)} s`],
          ['Build, cached', `${num(image.cachedBuildSec)} s`],
        ]
      : [['Build (podman cache allowed)', `${num(image.buildSec)} s`]]),
  ],
)}

Layers above the base, largest first:

${table(
  ['Size', 'Created by'],
  image.layers.slice(0, 8).map((l) => [l.bytes >= 1e6 ? `${(l.bytes / 1e6).toFixed(1)} MB` : `${Math.round(l.bytes / 1e3)} kB`, `\`${l.createdBy}\``]),
)}
`;
}

/** A profile of serving requests: the areas mean nothing in Nx's generator or PGlite's start-up profiles. */
function servesMcp(p: ProfileSummary): boolean {
  return (p.areas.find((a) => a.area === 'MCP SDK')?.share ?? 0) > 0.05;
}

function areaTable(p: ProfileSummary): string {
  return `
Self time by area (whose code ran; Node's general-purpose modules and native frames count for their caller; Slipway's own in bold):

${table(
  ['ms', 'Share', 'Area'],
  p.areas.map((a) => [num(a.ms), `${(a.share * 100).toFixed(1)}%`, SLIPWAY_AREAS.has(a.area) ? `**${a.area}**` : a.area]),
)}
`;
}

function profileSection(profiles: readonly ProfileSummary[]): string {
  if (profiles.length === 0) return '';
  const one = (p: ProfileSummary) => `### ${p.label}

${num(p.totalMs)} ms of samples. Inclusive time of the frames that matter here:

${table(
  ['ms', 'Share', 'Function'],
  p.inclusive.map((f) => [num(f.ms), `${(f.share * 100).toFixed(0)}%`, `\`${f.frame}\``]),
)}

Self time (what the CPU ran):

${table(
  ['ms', 'Share', 'Function'],
  p.self.slice(0, 8).map((f) => [num(f.ms), `${(f.share * 100).toFixed(0)}%`, `\`${f.frame}\``]),
)}

${servesMcp(p) ? areaTable(p) : ''}`;
  return `## Where the time goes

\`node --cpu-prof\` of one extra run of each, not counted in the tables above.

${profiles.map(one).join('\n')}`;
}

/** The share of a profile spent under the first frame whose name starts with `prefix`. */
function share(profiles: readonly ProfileSummary[], label: RegExp, prefix: string): string | undefined {
  const profile = profiles.find((p) => label.test(p.label));
  const frame = profile?.inclusive.find((f) => f.frame.startsWith(prefix));
  return frame ? `${(frame.share * 100).toFixed(0)}%` : undefined;
}

/** What CPU per request would be if Slipway's own areas of the era's profile cost nothing, against the bare server's. */
function ceiling(r: Report, small: ScenarioResult | undefined, era: Era): { era: Era; ratio: number; text: string } | undefined {
  const ours = stack(small, 'slipway', era);
  const bare = stack(small, 'bare-v2', era);
  const profile = r.profiles.find((p) => p.label.startsWith('generated service') && p.label.includes(era));
  if (!ours || !bare || !profile) return undefined;
  const own = profile.areas.filter((a) => SLIPWAY_AREAS.has(a.area)).reduce((sum, a) => sum + a.share, 0);
  const floor = ours.cpuMsPerRequest.median * (1 - own);
  const text =
    `on ${era} requests the ${num(ours.cpuMsPerRequest.median, 3)} ms of CPU per request would be ${num(floor, 3)} ms ` +
    `(Slipway's share ${(own * 100).toFixed(0)}%): the bare server's ${num(bare.cpuMsPerRequest.median, 3)} ms is ${ratio(bare.cpuMsPerRequest.median, floor)} that`;
  return { era, ratio: bare.cpuMsPerRequest.median / floor, text };
}

function closingNote(r: Report): string {
  const notes: string[] = [];
  const small = scenario(r, 'text_stats', 'none');
  const v1 = stack(small, 'sdk-v1');
  const bareLegacy = stack(small, 'bare-v2');
  const perEra = ERA_ORDER.map((era) => {
    const ours = stack(small, 'slipway', era);
    const bare = stack(small, 'bare-v2', era);
    return ours && bare
      ? `${ratio(ours.reqPerSec.median, bare.reqPerSec.median)} on ${era} requests (CPU per request ${num(ours.cpuMsPerRequest.median, 3)} vs ${num(bare.cpuMsPerRequest.median, 3)} ms)`
      : undefined;
  }).filter(Boolean);
  const modernProfile = r.profiles.find((p) => p.label.startsWith('generated service') && p.label.includes('2026-07-28'));
  if (perEra.length > 0) {
    notes.push(
      `**Throughput (text_stats).** Against the bare SDK v2 server in the same run, the generated service runs at ${perEra.join(' and ')}, ` +
        "with health, metrics and a log line per request on top. What the runtime does about the SDK's per-request cost: schemas converted once " +
        'and frozen; its own Node adapter (one bounded body read, one parse, `parsedBody`); JSON answers to 2025-era requests for tools that ' +
        "send no notifications; a 2026-07-28 body (the `_meta` envelope claim) goes straight to the SDK's modern path instead of being classified " +
        "twice; a one-body JSON answer is written from the answer the transport sent instead of being read back through the web Response's " +
        "stream; the access and audit lines skip the logger's redaction (their fields are the runtime's own) and log lines are written " +
        "asynchronously; a verified bearer token is reused until it expires (at most a minute). What is left is the SDK's own per-request " +
        "work, which one McpServer per request (the only safe layout: a shared or pooled McpServer carries one request's state into the next) " +
        `cannot avoid: a new McpServer and transport, zod validation of the message, the arguments and the result, the error object built on ` +
        `every close, and the web Request it needs${
          modernProfile
            ? ` (the 2026-07-28 profile below: top frames by self time ${modernProfile.self
                .slice(0, 4)
                .map((f) => `\`${f.frame.replace(/ \S+:\d+$/, '')}\` ${(f.share * 100).toFixed(0)}%`)
                .join(', ')})`
            : ''
        }.` +
        (v1 && bareLegacy
          ? ` The legacy SDK 1.x stateless transport runs at ${ratio(v1.reqPerSec.median, bareLegacy.reqPerSec.median)} of the v2 server on 2025-era requests.`
          : '') +
        ` p99 figures come from autocannon's millisecond histogram and move with GC pauses and the neighbours' load: read them with the 15% noise band in mind.`,
    );
    const ceilings = ERA_ORDER.map((era) => ceiling(r, small, era)).filter((c) => c !== undefined);
    if (ceilings.length > 0) {
      const below = ceilings.filter((c) => c.ratio < 2);
      notes.push(
        "**The ceiling with the SDK in the request path.** The profiles' area tables split each request's CPU into what Slipway adds " +
          "(its runtime, logging, metrics, tracing, auth: bold) and the rest, which any server built on the SDK pays: the SDK's dispatch, " +
          "the zod validation it runs, the web Request and Response it takes and returns, Node's HTTP, and the garbage those make. " +
          `Were Slipway's own share free, ${ceilings.map((c) => c.text).join('; ')}. ` +
          (below.length > 0
            ? `So on ${below.map((c) => c.era).join(' and ')} requests 2× is out of reach while the SDK dispatches each request, however little ` +
              "Slipway adds. Going further means answering tools/call without the SDK's dispatch: a second implementation of the protocol's " +
              "validation (envelope, headers, arguments, results) beside the SDK's, which this runtime does not do, because one place decides what the protocol allows."
            : "The rest of the gap to 2× is Slipway's own work."),
      );
    }
  }
  const pglite = scenario(r, 'get_note', 'pglite');
  if (pglite) {
    notes.push(
      "**Database-backed tool.** On PGlite every stack is bound by the single embedded connection (queries run one at a time in WASM, in the server's own " +
        'thread), so the stacks come out close together and the MCP layer matters less. On PostgreSQL the pg Pool spreads the queries and the MCP layer shows again.',
    );
  }
  const g = r.generator;
  if (g) {
    const own = g.nx23.slipwayInProcess.cold.median;
    notes.push(
      `**\`nx g\` wall time.** Nx's own start-up is the floor: a generator that changes nothing takes ${ms(g.nx23.floor.median)} ms, and new-mcp-service ` +
        `${ms(g.nx23.slipway.median)} ms, of which the generator itself is ${ms(own)} ms on its first call. \`@nx/node:application\` spends ` +
        `${ms(g.nx23.nxNodeInProcess.cold.median)} ms in its own code (its init, lint and docker generators) and ${ms(g.nx23.nxNodeInProcess.load.median)} ms loading them.`,
    );
    const first = g.scaling[0];
    const last = g.scaling[g.scaling.length - 1];
    const gp = share(r.profiles, /^new-mcp-service/, 'getProjects');
    if (first && last && last !== first) {
      notes.push(
        `**Scaling with projects.** The wall time barely moves (${ratio(last.wall.median, first.wall.median)} at ${last.projects} projects): Nx's project graph is cheap for ` +
          `project.json stubs. The generator's own time does grow, ${ms(first.inProcess.cold.median)} → ${ms(last.inProcess.cold.median)} ms: ` +
          `${gp ? `${gp} of its profile at ${last.projects} projects is ` : ''}Nx devkit's \`getProjects(tree)\`, which reads every project.json on each call, and a ` +
          `generation calls it several times (new-mcp-service's name check and port assignment, then each deploy generator's \`resolveDeployTarget\`). ` +
          `Fix (for the generators' owners; not changed here): resolve the project map once per generation and pass it down, or memoize it per Tree; ` +
          `the ports can come from a glob of \`**/.slipway-answers.json\` instead of every project.`,
      );
    }
  }
  const u = r.update;
  if (u?.available) {
    const gp = share(r.profiles, /^update/, 'getProjects');
    notes.push(
      `**update --all.** ${'median' in u.update ? `${num(u.update.median / 1000)} s for ${u.services} services. ` : ''}Each service's re-render runs every recorded generator again, and each ` +
        `of them calls \`getProjects\` over the whole workspace, so the work is quadratic in the number of services${gp ? ` (${gp} of the profile)` : ''}. ` +
        `Memoizing the project map for the length of one update (project.json files don't change while it runs) makes it linear. Generating the ` +
        `services for this section showed the same in Nx's FsTree: one tree holding all the pending changes made \`getProjects\` scan every change ` +
        '(7 minutes for 200 services); the bench flushes after each service instead.',
    );
  }
  const start = (mode: StartMode) => r.startup.find((x) => x.mode === mode);
  const none = start('none');
  const existing = start('pglite-existing');
  const initdb = start('pglite-initdb');
  const template = start('pglite-template');
  if (none && existing) {
    notes.push(
      `**Start-up.** Without a database, ${ms(none.ready.median)} ms is Node plus loading the SDK, zod, pino and prom-client. On an existing PGlite data ` +
        `directory, ${ms(existing.ready.median)} ms, of which \`PGlite.create\` is ${existing.pgliteOpen ? ms(existing.pgliteOpen.median) : 'n/a'} ms (the WASM Postgres ` +
        'instantiating and starting on the data directory): that is the floor for an embedded database.',
    );
  }
  if (initdb) {
    notes.push(
      `**PGlite's first start.** initdb in WASM takes ${ms(initdb.ready.median)} ms to ready, much of it writing the new cluster's files through ` +
        "Emscripten's file system (the profile's `open`/`writeFile`/`mknod`). Done here: `createPgliteTemplate` and a `template` option in the runtime's " +
        '`openDatabase` (packages/mcp-runtime/src/database/open.ts, with `pgliteTemplate` through `openServiceDatabase`), which unpack a prebuilt, gzipped ' +
        `data directory instead${template ? `: ${ms(template.ready.median)} ms to ready, ${ratio(template.ready.median, initdb.ready.median)} of initdb` : ''}. ` +
        'To ship it, the generated service needs a build step (or a Dockerfile layer) that makes the template once per PGlite version, and its ' +
        '`src/database.ts` passing it: a change for the server template and docker owners.',
    );
  }
  const stockIdle = start('pglite-stock');
  if (existing && stockIdle) {
    notes.push(
      `**Idle RSS on PGlite.** ${mb(stockIdle.idleRss.median)} MB on PGlite's own settings, ${mb(existing.idleRss.median)} MB on the runtime's defaults ` +
        `(without a database: ${none ? mb(none.idleRss.median) : 'n/a'} MB). shared_buffers is allocated and touched at start-up inside the WASM ` +
        'heap, and V8\'s optimized copies of PostgreSQL\'s hot WebAssembly functions come on top of the baseline code; the table in "PGlite memory" ' +
        "shows what each cost. Below the runtime's defaults is PGlite's floor: the WASM PostgreSQL, its catalog caches and a worker thread.",
    );
  }
  if (r.image?.available) {
    const top = r.image.layers[0];
    notes.push(
      `**Image.** ${mb(r.image.imageBytes - r.image.baseBytes)} MB above the base${top ? `, nearly all of it the production node_modules layer (${(top.bytes / 1e6).toFixed(0)} MB; @electric-sql/pglite is the largest package in it, about 27 MB of WASM, data and bundles). A PGlite template shipped in the image would add its ~5 MB` : ''}.`,
    );
  }
  return `## Closing note: what bounds each figure

${notes.map((n) => `- ${n}`).join('\n')}
`;
}

export function renderReport(report: Report): string {
  const m = report.machine;
  const load = `autocannon (programmatic) with ${'10'} connections${SERVER_CORE !== undefined && LOAD_CORE !== undefined ? `, the server pinned to core ${SERVER_CORE} and the load generator to core ${LOAD_CORE} (\`taskset\`)` : ' (no taskset: not pinned)'}.`;
  const targetRows = targets(report).map((t) => [t.goal, t.measured, yes(t.met)]);
  return `# Benchmarks

Written by \`npm run bench\`${report.quick ? ' **--quick** (a smoke run: few, short runs; do not quote these figures)' : ''} on ${new Date().toISOString().slice(0, 10)}, in ${Math.round(report.durationSec / 60)} min.
Each figure is the median (min–max) over repeated runs; variants alternate within one run because the
machine is shared and noisy, so compare ratios rather than absolute figures. Differences under about 15% are
noise here. \`tools/bench/\` holds the harness; the closing note says what each figure is bound by.

## Machine

${table(
  ['', ''],
  [
    ['CPU', `${m.cpu}, ${m.cores} cores`],
    ['Memory', `${m.memoryGiB} GiB`],
    ['OS', m.os],
    ['Node.js', m.node],
    ['Pinning', m.taskset ? `taskset: server core ${SERVER_CORE}, load generator core ${LOAD_CORE}` : 'none (no taskset)'],
    ['Load average at the end (1, 5, 15 min)', m.load],
  ],
)}

## Versions

${table(
  ['Package', 'Version'],
  report.versions.map(([k, v]) => [k, v]),
)}

## Targets

${table(['Target', 'Measured', 'Met'], targetRows)}

${generatorSection(report.generator, report.offer)}
${updateSection(report.update)}
${throughputSection(report, load)}
${startupSection(report)}
${memorySection(report)}
${imageSection(report.image)}
${closingNote(report)}
${profileSection(report.profiles)}
## How to run

\`\`\`sh
npm run bench              # builds, installs tools/bench's pinned dependencies (npm ci), runs everything (about 30 min)
npm run bench -- --quick   # a smoke run: one short round of each
npm run bench -- --only generator,throughput --keep   # some sections; keep the work directory
npm run bench -- --work DIR --only startup            # reuse a kept work directory (skips the set-up)
npm run bench -- --work DIR --only throughput --scenarios text_stats --rounds 1 --duration 3   # iterate on the hot path
npm run bench -- --from-results DIR/results.json      # re-render this file from a kept run
npx tsx tools/bench/top-frames.ts DIR/profiles/server-text_stats-none-2026-07-28 30   # a profile's top frames
\`\`\`

The benchmark-only packages (autocannon, fastmcp, @modelcontextprotocol/sdk 1.x, the bare SDK v2 server's packages) are
pinned in \`tools/bench/package.json\` and its lockfile; nx and @nx/node 23.2.1 for the comparison workspace in
\`tools/bench/nx23-workspace/\`. None of them is in the repo's own package.json. Not part of \`npm test\`.
`;
}
