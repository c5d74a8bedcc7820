import { spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { delimiter, dirname, join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { versions } from '@slipway/nx/versions';
import type { CliIo } from './cli.js';
import { conformanceScenarios, type ScenarioRun } from './conformance-scenarios.js';
import { builtEntry, startService, type RunningService } from './conformance-service.js';

export const conformanceUsage = 'usage: slipway-conformance [--url http://host:port/mcp] [--suite-version VERSION] [--expected-failures FILE]';

const SUITE = '@modelcontextprotocol/conformance';
/** The suite reads its scenario files with fs.globSync, which Node 22 added. */
const MIN_NODE_MAJOR = 22;

export interface ConformanceIo extends CliIo {
  /** The service's folder: where the built service and the baseline are. */
  readonly cwd: string;
  /** process.version of the Node that runs this (and, through PATH, the suite). */
  readonly nodeVersion: string;
}

interface Options {
  readonly url: string | undefined;
  readonly suiteVersion: string;
  readonly baseline: string | undefined;
}

/** The options, or the problems with them, each naming the flag and the fix. */
function parseOptions(argv: readonly string[], cwd: string): Options | string[] {
  let values: { url?: string; 'suite-version'?: string; 'expected-failures'?: string; help?: boolean };
  try {
    ({ values } = parseArgs({
      args: [...argv],
      options: { url: { type: 'string' }, 'suite-version': { type: 'string' }, 'expected-failures': { type: 'string' }, help: { type: 'boolean' } },
      strict: true,
      allowPositionals: false,
    }));
  } catch (error) {
    return [(error as Error).message];
  }
  if (values.help) return [];
  const problems: string[] = [];
  if (values.url !== undefined && !/^https?:\/\/[^/]+/.test(values.url)) {
    problems.push(`--url: "${values.url}" is not an http(s) URL; give the MCP endpoint, e.g. --url=http://127.0.0.1:3000/mcp`);
  }
  const baseline = values['expected-failures'] === undefined ? undefined : resolve(cwd, values['expected-failures']);
  if (baseline !== undefined && !existsSync(baseline)) {
    problems.push(`--expected-failures: ${baseline} does not exist; restore it (an empty \`server: []\` expects no failure) or drop the flag`);
  }
  const suiteVersion = values['suite-version'] ?? versions[SUITE];
  if (!/^[0-9A-Za-z.+-]+$/.test(suiteVersion)) problems.push(`--suite-version: "${suiteVersion}" is not a version, e.g. --suite-version=${versions[SUITE]}`);
  return problems.length > 0 ? problems : { url: values.url, suiteVersion, baseline };
}

export function nodeRequirementProblem(nodeVersion: string): string | undefined {
  const major = Number(/^v?(\d+)\./.exec(nodeVersion)?.[1]);
  if (major >= MIN_NODE_MAJOR) return undefined;
  return `slipway-conformance needs Node >= ${MIN_NODE_MAJOR}: the MCP conformance suite uses fs.globSync. This is Node ${nodeVersion}; run it with Node ${MIN_NODE_MAJOR} or later (e.g. \`nvm use ${MIN_NODE_MAJOR}\`).`;
}

interface ProcessResult {
  readonly code: number | null;
  readonly output: string;
  readonly stdout: string;
}

function runProcess(command: string, args: readonly string[], env: NodeJS.ProcessEnv): Promise<ProcessResult> {
  return new Promise((done) => {
    const child = spawn(command, args, { env, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    let stdout = '';
    child.stdout.on('data', (d: Buffer) => ((output += d.toString()), (stdout += d.toString())));
    child.stderr.on('data', (d: Buffer) => (output += d.toString()));
    child.on('error', (error) => done({ code: null, output: `${output}\ncould not run ${command}: ${error.message}`, stdout }));
    child.on('close', (code) => done({ code, output, stdout }));
  });
}

/**
 * The suite's CLI script, fetched once into npm's npx cache: each scenario then starts it with this
 * very Node, instead of paying for an npm start per scenario. npx puts the package's bin folder on
 * the PATH it gives the command, which is how its location is found without a shell.
 */
async function installSuite(version: string, env: NodeJS.ProcessEnv): Promise<string> {
  const printPath = [process.execPath, '-e', 'process.stdout.write(process.env.PATH ?? "")'];
  const result = await runProcess('npx', ['--yes', '--package', `${SUITE}@${version}`, '--', ...printPath], env);
  if (result.code !== 0) throw new Error(`npx could not install ${SUITE}@${version} (exit ${result.code}):\n${result.output.trimEnd()}`);
  for (const dir of result.stdout.split(delimiter)) {
    const manifest = join(dir, '..', SUITE, 'package.json');
    if (!existsSync(manifest)) continue;
    const { bin } = JSON.parse(readFileSync(manifest, 'utf8')) as { bin?: Record<string, string> };
    if (bin?.['conformance']) return join(dirname(manifest), bin['conformance']);
  }
  throw new Error(`npx installed ${SUITE}@${version}, but its conformance script was not found on the PATH npx gave`);
}

/**
 * Scenarios are independent requests to a stateless server, and several wait on streams (the
 * subscription checks hold one open for 1.5 s), so a few run at once.
 */
const PARALLEL_SCENARIOS = 4;

/** `work` over `items`, at most `limit` at a time; results in the order of `items`. */
async function inParallel<T, R>(items: readonly T[], limit: number, work: (item: T) => Promise<R>): Promise<R[]> {
  const results: R[] = new Array<R>(items.length);
  let next = 0;
  const worker = async () => {
    for (let index = next++; index < items.length; index = next++) results[index] = await work(items[index]!);
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return results;
}

/** One scenario, output captured. */
function runScenario(suite: string, run: ScenarioRun, url: string, options: Options, env: NodeJS.ProcessEnv): Promise<ProcessResult> {
  const args = [suite, 'server', '--url', url, '--scenario', run.scenario, '--spec-version', run.specVersion];
  if (options.baseline) args.push('--expected-failures', options.baseline);
  return runProcess(process.execPath, args, env);
}

/**
 * Runs the suite's fixture-free server scenarios (conformance-scenarios.ts) against `--url`, or
 * against the built service in `cwd`, started on a free port and stopped afterwards. Exits 1 when a
 * scenario fails beyond the baseline (or a baselined one passes), 2 on bad options or an old Node.
 */
export async function runConformanceCli(argv: readonly string[], io: ConformanceIo): Promise<number> {
  const options = parseOptions(argv, io.cwd);
  if (Array.isArray(options)) {
    for (const problem of options) io.err(problem);
    io.err(conformanceUsage);
    return options.length === 0 ? 0 : 2;
  }
  const oldNode = nodeRequirementProblem(io.nodeVersion);
  if (oldNode) {
    io.err(oldNode);
    return 2;
  }

  if (options.url === undefined) {
    try {
      builtEntry(io.cwd);
    } catch (error) {
      io.err(`slipway-conformance: ${(error as Error).message}`);
      return 1;
    }
  }

  let service: RunningService | undefined;
  const stopOnSignal = () => void (service?.stop() ?? Promise.resolve()).finally(() => process.exit(130));
  process.once('SIGINT', stopOnSignal);
  process.once('SIGTERM', stopOnSignal);
  try {
    // Fetching the suite and starting the service overlap.
    const [suite, started] = await Promise.allSettled([
      installSuite(options.suiteVersion, io.env),
      options.url === undefined ? startService(io.cwd, io.env) : Promise.resolve(undefined),
    ]);
    if (started.status === 'fulfilled') service = started.value;
    if (suite.status === 'rejected' || started.status === 'rejected') {
      const reason: unknown = suite.status === 'rejected' ? suite.reason : (started as PromiseRejectedResult).reason;
      io.err(`slipway-conformance: ${(reason as Error).message}`);
      return 1;
    }
    const url = service?.url ?? options.url!;
    if (service) io.out(`Started the built service at ${url}`);
    io.out(`MCP conformance suite ${SUITE}@${options.suiteVersion} against ${url}${options.baseline ? `, expected failures in ${options.baseline}` : ''}`);
    const startedAt = Date.now();
    const results = await inParallel(conformanceScenarios, PARALLEL_SCENARIOS, (run) => runScenario(suite.value, run, url, options, io.env));
    const failed: ScenarioRun[] = [];
    conformanceScenarios.forEach((run, index) => {
      const result = results[index]!;
      const label = `${run.specVersion} ${run.scenario}`;
      if (result.code === 0) {
        io.out(`  ✓ ${label}`);
      } else {
        failed.push(run);
        io.out(`  ✗ ${label} (exit ${result.code})\n${result.output.trimEnd()}\n`);
      }
    });
    io.out(`Ran ${conformanceScenarios.length} scenarios in ${((Date.now() - startedAt) / 1000).toFixed(1)} s.`);
    const total = conformanceScenarios.length;
    if (failed.length === 0) {
      io.out(`${total}/${total} scenarios pass.`);
      return 0;
    }
    io.err(`${failed.length} of ${total} scenarios failed: ${failed.map((run) => `${run.scenario} (${run.specVersion})`).join(', ')}.`);
    io.err('A failure the service cannot fix yet goes in the baseline, one check a line with the reason (see its header).');
    if (service) io.err(`--- the service's log (last lines)\n${service.output().trimEnd().split('\n').slice(-50).join('\n')}`);
    return 1;
  } finally {
    process.removeListener('SIGINT', stopOnSignal);
    process.removeListener('SIGTERM', stopOnSignal);
    await service?.stop();
  }
}
