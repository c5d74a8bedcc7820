import { copyFileSync, existsSync, mkdirSync, symlinkSync } from 'node:fs';
import { join } from 'node:path';
import { timed } from './processes.js';
import { summarizeProfile, type ProfileSummary } from './profile.js';
import { rotate, summarize, type Summary } from './stats.js';
import { benchDir, deployArgs, gitBaseline, gitReset, nxEnv, writeProjectStubs, type PluginOffer } from './workspaces.js';

/** Section 1: `nx g` wall time against @nx/node, the generator's own in-process time, and scaling with project count. */

export interface InProcess {
  /** Loading the generator module and Nx's tree, once per process. */
  readonly load: Summary;
  /** The first call in a fresh process: what one `nx g` pays. */
  readonly cold: Summary;
  /** Later calls in the same process (JIT warm). */
  readonly warm: Summary;
  readonly files: number;
}

export interface GeneratorResults {
  readonly rounds: number;
  /** The commands of the "all deploy targets" variant; empty when this build offers none. */
  readonly deployCommands: readonly string[];
  /** nx 23.2.1 workspace: the comparison. */
  readonly nx23: {
    slipway: Summary;
    slipwayAll: Summary;
    nxNode: Summary;
    floor: Summary;
    slipwayInProcess: InProcess;
    slipwayAllInProcess: InProcess;
    nxNodeInProcess: InProcess;
  };
  /** nx 24 (what Slipway is tested with): the floor in the smallest scaling workspace; its generation is scaling[0]. */
  readonly nx24: { projects: number; floor: Summary };
  readonly scaling: ReadonlyArray<{ projects: number; wall: Summary; inProcess: InProcess }>;
  /** new-mcp-service's own time in the largest workspace, profiled. */
  readonly profile?: ProfileSummary;
}

const GENERATOR_FOCUS = /generators\/|@slipway|getProjects|readAndCombine|readJson|globWithWorkspaceContext|tree\.js/;

const nxBin = (dir: string) => join(dir, 'node_modules/.bin/nx');

const NX_NODE_ARGS = ['g', '@nx/node:application', '--directory=apps/api', '--framework=express', '--docker', '--no-interactive'];
// A generator that changes nothing: Nx start-up, project graph and plugin resolution alone.
const FLOOR_ARGS = ['g', '@slipway/nx:init', '--skipInstall', '--no-interactive'];

/** Runs one or more `nx` commands in turn, then resets the workspace; returns their summed wall time. */
async function nxRun(dir: string, commands: readonly (readonly string[])[], env: NodeJS.ProcessEnv): Promise<number> {
  let total = 0;
  try {
    for (const args of commands) total += (await timed(nxBin(dir), args, dir, env)).ms;
  } finally {
    gitReset(dir);
  }
  return total;
}

interface TimingSpec {
  collection: string;
  steps: Array<{ generator: string; options: Record<string, unknown> }>;
  iterations: number;
}

async function inProcess(dir: string, spec: TimingSpec, env: NodeJS.ProcessEnv): Promise<{ loadMs: number; runsMs: number[]; files: number }> {
  const { output } = await timed(process.execPath, [join(benchDir, 'gen-timing.mjs'), JSON.stringify(spec)], dir, env);
  const line = output
    .split('\n')
    .reverse()
    .find((l) => l.startsWith('{"loadMs"'));
  if (!line) throw new Error(`gen-timing printed no result:\n${output}`);
  return JSON.parse(line) as { loadMs: number; runsMs: number[]; files: number };
}

class InProcessSamples {
  private readonly load: number[] = [];
  private readonly cold: number[] = [];
  private readonly warm: number[] = [];
  private files = 0;
  add(result: { loadMs: number; runsMs: number[]; files: number }): void {
    this.load.push(result.loadMs);
    this.cold.push(result.runsMs[0]!);
    this.warm.push(...result.runsMs.slice(1));
    this.files = result.files;
  }
  summary(): InProcess {
    return { load: summarize(this.load), cold: summarize(this.cold), warm: summarize(this.warm), files: this.files };
  }
}

/** new-mcp-service alone, or with every deploy target: its deploy option, else each layer generator in turn. */
function slipwaySteps(offer: PluginOffer, withDeploy: boolean): TimingSpec['steps'] {
  const options: Record<string, unknown> = { name: 'orders' };
  if (withDeploy && offer.deployOption && offer.deployTargets.length > 0) {
    options[offer.deployOption] = offer.deployOptionIsArray ? [...offer.deployTargets] : offer.deployTargets.join(',');
  }
  const steps = [{ generator: 'new-mcp-service', options }];
  if (withDeploy && !offer.deployOption) steps.push(...offer.deployGenerators.map((generator) => ({ generator, options: { project: 'orders' } })));
  return steps;
}

function slipwayCommands(offer: PluginOffer, withDeploy: boolean): string[][] {
  return slipwaySteps(offer, withDeploy).map((step, i) =>
    i === 0
      ? ['g', '@slipway/nx:new-mcp-service', 'orders', ...(withDeploy ? deployArgs(offer) : []), '--no-interactive']
      : ['g', `@slipway/nx:${step.generator}`, '--project=orders', '--no-interactive'],
  );
}

const NX_NODE_TIMING = (iterations: number): TimingSpec => ({
  collection: '@nx/node',
  steps: [{ generator: 'application', options: { directory: 'apps/api', framework: 'express', docker: true } }],
  iterations,
});

/** A copy of the nx 24 workspace's files with its node_modules linked, plus `projects` stub projects. */
function scalingWorkspace(work: string, from: string, projects: number): string {
  const dir = join(work, `scale-${projects}`);
  mkdirSync(dir, { recursive: true });
  for (const file of ['package.json', 'package-lock.json', 'nx.json', '.gitignore', '.npmrc']) {
    if (existsSync(join(from, file))) copyFileSync(join(from, file), join(dir, file));
  }
  symlinkSync(join(from, 'node_modules'), join(dir, 'node_modules'));
  writeProjectStubs(dir, projects);
  gitBaseline(dir);
  return dir;
}

export async function benchGenerators(options: {
  work: string;
  nx23: string;
  /** The nx 24 workspace whose files (and node_modules, linked) the scaling workspaces copy. */
  nx24: string;
  stubBin: string;
  offer: PluginOffer;
  rounds: number;
  inProcessRounds: number;
  sizes: readonly number[];
  log: (message: string) => void;
}): Promise<GeneratorResults> {
  const { nx23, offer, rounds, log } = options;
  const env = nxEnv(options.stubBin);
  const hasDeploy = offer.deployTargets.length > 0 || offer.deployGenerators.length > 0;
  gitBaseline(nx23);
  // Warms the file cache and Nx's workspace data; not measured.
  await nxRun(nx23, [FLOOR_ARGS], env);

  const wall = { slipway: [] as number[], slipwayAll: [] as number[], nxNode: [] as number[], floor: [] as number[] };
  const variants: Array<[keyof typeof wall, string[][]]> = [
    ['slipway', slipwayCommands(offer, false)],
    ...(hasDeploy ? [['slipwayAll', slipwayCommands(offer, true)] as [keyof typeof wall, string[][]]] : []),
    ['nxNode', [NX_NODE_ARGS]],
    ['floor', [FLOOR_ARGS]],
  ];
  for (let round = 0; round < rounds; round += 1) {
    for (const [key, commands] of rotate(variants, round)) wall[key].push(await nxRun(nx23, commands, env));
    log(`generator round ${round + 1}/${rounds}: ${variants.map(([key]) => `${key} ${Math.round(wall[key].at(-1)!)} ms`).join(', ')}`);
  }
  const slipwayIn = new InProcessSamples();
  const slipwayAllIn = new InProcessSamples();
  const nxNodeIn = new InProcessSamples();
  for (let round = 0; round < options.inProcessRounds; round += 1) {
    slipwayIn.add(await inProcess(nx23, { collection: '@slipway/nx', steps: slipwaySteps(offer, false), iterations: 6 }, env));
    if (hasDeploy) slipwayAllIn.add(await inProcess(nx23, { collection: '@slipway/nx', steps: slipwaySteps(offer, true), iterations: 6 }, env));
    nxNodeIn.add(await inProcess(nx23, NX_NODE_TIMING(6), env));
  }

  // nx 24: generation into workspaces of 1, 100 and 500 projects, alternating, plus the floor in the smallest.
  const scaleDirs = options.sizes.map((n) => [n, scalingWorkspace(options.work, options.nx24, n)] as const);
  const scaleWall = new Map<number, number[]>(options.sizes.map((n) => [n, []]));
  const scaleIn = new Map<number, InProcessSamples>(options.sizes.map((n) => [n, new InProcessSamples()]));
  const floor24: number[] = [];
  const smallest = scaleDirs[0]![1];
  for (const [, dir] of scaleDirs) await nxRun(dir, [FLOOR_ARGS], env);
  for (let round = 0; round < rounds; round += 1) {
    for (const [n, dir] of rotate(scaleDirs, round)) {
      scaleWall.get(n)!.push(await nxRun(dir, slipwayCommands(offer, false), env));
      if (round < options.inProcessRounds) {
        scaleIn.get(n)!.add(await inProcess(dir, { collection: '@slipway/nx', steps: slipwaySteps(offer, false), iterations: 4 }, env));
      }
    }
    floor24.push(await nxRun(smallest, [FLOOR_ARGS], env));
    log(`scaling round ${round + 1}/${rounds}: ${scaleDirs.map(([n]) => `${n}: ${Math.round(scaleWall.get(n)!.at(-1)!)} ms`).join(', ')}`);
  }

  const [largest, largestDir] = scaleDirs[scaleDirs.length - 1]!;
  const profileDir = join(options.work, 'profiles', `generator-${largest}`);
  const spec = { collection: '@slipway/nx', steps: slipwaySteps(offer, false), iterations: 4 };
  await timed(process.execPath, ['--cpu-prof', `--cpu-prof-dir=${profileDir}`, join(benchDir, 'gen-timing.mjs'), JSON.stringify(spec)], largestDir, env);
  const profile = summarizeProfile(`new-mcp-service ×4 in-process, ${largest} projects (module loading included)`, profileDir, GENERATOR_FOCUS);

  return {
    rounds,
    profile,
    deployCommands: hasDeploy ? slipwayCommands(offer, true).map((c) => `nx ${c.join(' ')}`) : [],
    nx23: {
      slipway: summarize(wall.slipway),
      slipwayAll: summarize(wall.slipwayAll),
      nxNode: summarize(wall.nxNode),
      floor: summarize(wall.floor),
      slipwayInProcess: slipwayIn.summary(),
      slipwayAllInProcess: slipwayAllIn.summary(),
      nxNodeInProcess: nxNodeIn.summary(),
    },
    nx24: { projects: options.sizes[0]!, floor: summarize(floor24) },
    scaling: options.sizes.map((n) => ({ projects: n, wall: summarize(scaleWall.get(n)!), inProcess: scaleIn.get(n)!.summary() })),
  };
}
