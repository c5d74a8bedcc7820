import { createHash } from 'node:crypto';
import { logger, type Tree } from '@nx/devkit';
import { createTreeWithEmptyWorkspace } from '@nx/devkit/testing';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { driftReport } from '../packages/nx/src/drift.js';
import { generatorsByKey } from '../packages/nx/src/generator-registry.js';
import { OptionsError } from '../packages/nx/src/options.js';
import { projects } from '../packages/nx/src/projects.js';
import { treeFiles } from '../packages/nx/src/testing-support.js';
import { validatorsByLayer, type ValidationProblem } from '../packages/validate/src/index.js';
import { typescriptValidator } from '../packages/validate/src/typescript.js';
import { recordedGenerations } from '../packages/validate/src/recorded.js';

/**
 * Property: any combination of options, with the deployment generators in any order, is either
 * refused with an error that names the option and leaves the tree as it was, or generates files
 * that pass every validator of the registry, that their answers records render again as they are
 * (update's and the drift check's view), and that the same runs, repeated, leave byte for byte.
 *
 * SLIPWAY_FUZZ_SEED and SLIPWAY_FUZZ_RUNS override the seed and the number of combinations;
 * `npm run fuzz` runs a longer campaign on a new seed. A failure prints the seed and the shrunk
 * combination.
 */
const FUZZ_SEED = 20261128;
/** Measured: 152 s on two cores (nearly all in the validators' tools, each distinct file set checked once); `npm run fuzz` runs 2000. */
const FUZZ_RUNS = 200;

function fromEnvironment(name: string, fallback: number): number {
  const value = Number(process.env[name] ?? fallback);
  if (!Number.isSafeInteger(value) || value < 0) throw new Error(`${name}: must be a whole number, e.g. ${name}=${fallback}`);
  return value;
}
const seed = fromEnvironment('SLIPWAY_FUZZ_SEED', FUZZ_SEED);
const numRuns = fromEnvironment('SLIPWAY_FUZZ_RUNS', FUZZ_RUNS);

// Values YAML (1.1 or 1.2) reads as something other than a string, or that break a plain scalar.
const yamlAmbiguous = [
  'null',
  'Null',
  '~',
  'true',
  'false',
  'yes',
  'no',
  'on',
  'off',
  'y',
  'n',
  '1e5',
  '0x1f',
  '0o17',
  '123',
  '.inf',
  'a: b',
  '#x',
  '- x',
  '*x',
  '&x',
  '!x',
  '"x"',
  "'x'",
  '{x}',
  '[x]',
  '@x',
  '%x',
  '`x`',
  'x #y',
  '',
];

/** An option left out, a usual value, or (less often) an odd one: YAML-ambiguous, out of range, of the wrong kind. */
function option(usual: readonly unknown[], odd: readonly unknown[] = [], oddWeight = 4): fc.Arbitrary<unknown> {
  return fc.oneof(
    { weight: 10, arbitrary: fc.constant(undefined) },
    { weight: 8, arbitrary: fc.constantFrom(...usual) },
    ...(odd.length > 0 ? [{ weight: oddWeight, arbitrary: fc.constantFrom(...odd) }] : []),
  );
}
const textOption = (usual: readonly unknown[], odd: readonly unknown[] = []) => option(usual, [...odd, ...yamlAmbiguous]);

// Edge ports, numbers as strings, the monitoring overlay's and the ops listener's ports, and out-of-range ones.
const ports = [1024, 65535, 3000, 3001, 4000, '4000', 8080, 9090, 3300, 9464, 9465];
const oddPorts = [' 4000 ', 1023, 65536, 0, -1, 3000.5, '0x10', '0x1000', '1e4', '', 'null', 'true'];
const nodeLines = ['22', '24', '26', 22, 24, 26];
const oddNodeLines = ['20', 20, '18', 'lts', '22.1', ' 24', 'null'];
const namespaces = ['orders', 'prod', 'my-team', 'ingress-nginx', 'monitoring', 'a', 'x'.repeat(55)];
const oddNamespaces = ['Orders', 'ns_1', 'x'.repeat(56), 'x'.repeat(64), '-a'];
const booleans = [true, false, 'true', 'false'];
const oddBooleans = ['yes', 'null', 1, ''];
const environments = ['staging,prod', 'dev,staging,prod', 'prod', ['qa', 'prod'], ' staging , prod '];
const oddEnvironments = ['staging,staging', 'Prod', 'null', 'true,false', 'on', 'yes,no', ',', 'x'.repeat(33)];
const databases = ['pglite', 'postgres', 'none'];

const defined = (options: Readonly<Record<string, unknown>>) => Object.fromEntries(Object.entries(options).filter(([, v]) => v !== undefined));

/** Options left out are dropped, so a counterexample shows only what was passed. */
const options = (shape: Record<string, fc.Arbitrary<unknown>>) => fc.record(shape).map(defined);

const serviceOptions = options({
  name: fc.oneof(
    { weight: 12, arbitrary: fc.constantFrom('orders', 'billing-api', 'yes-service', 'svc-0x1f', 'n1', 'a'.repeat(32)) },
    { weight: 1, arbitrary: fc.constantFrom('o', 'null', 'true', 'on', 'Orders', '1e5', 'e5', '@x', 'a'.repeat(33)) },
  ),
  // Rarely odd: most combinations should reach the deployment generators.
  directory: option(['apps/api', 'services/nested/svc'], ['../out', '/abs', 'a b'], 1),
  transport: option(['both', 'http', 'stdio'], ['sse'], 1),
  database: option(databases, ['null', 'sqlite'], 1),
  preset: option(['minimal', 'retail'], ['full'], 1),
  port: option(ports, oddPorts, 1),
  deploy: option(
    [
      'none',
      'docker',
      'compose',
      'docker,compose',
      'k8s,azure',
      'github-actions,azure-pipelines',
      'docker,compose,k8s,azure,github-actions,azure-pipelines',
      ['azure-pipelines', 'compose'],
    ],
    ['docker,bogus', '', 'null'],
    1,
  ),
});

type Step = { readonly generator: string; readonly options: Readonly<Record<string, unknown>> };

/** Each deployment generator with random options; `project` is filled in from the service. */
const stepOptions: Readonly<Record<string, fc.Arbitrary<Record<string, unknown>>>> = {
  docker: options({
    port: option(ports, oddPorts),
    healthPath: textOption(['/healthz', '/livez', '/', '/null', '/1e5'], ['/a b', 'healthz', '/x?y']),
    nodeVersion: option(nodeLines, oddNodeLines),
  }),
  compose: options({ redis: option(booleans, oddBooleans), monitoring: option(booleans, oddBooleans) }),
  k8s: options({
    namespace: textOption(namespaces, oddNamespaces),
    image: textOption(
      ['registry.example.com/orders', 'ghcr.io/acme/orders', 'localhost:5000/orders', 'orders', '1234', 'true', 'null', '1e5'],
      ['x:tag', 'Registry/x', 'a/b@sha256:00'],
    ),
    ingressNamespace: textOption(namespaces, oddNamespaces),
    monitoringNamespace: textOption(namespaces, oddNamespaces),
    progressiveDelivery: option(['none', 'canary', 'blue-green'], ['yes', 'null']),
    replicas: option([1, 3, 100, '4'], [0, 101, '1e1', 'null', 2.5]),
    prometheusUrl: textOption(['http://prometheus:9090', 'https://metrics.example.com/prom', 'http://null:9090'], ['http://a: b']),
    port: option(ports, oddPorts),
    database: option(databases, ['null']),
    databaseCidr: textOption(['10.40.2.0/24', '10.0.0.1/32'], ['0.0.0.0/0', '10.0.0.0', '10.0.0.0/33']),
    egressCidrs: option(['203.0.113.0/24', '203.0.113.0/24,198.51.100.7/32', ['10.0.0.0/8'], ''], ['0.0.0.0/0', 'true', '1e5', '10.0.0.0/8,10.0.0.0/8']),
  }),
  azure: options({
    location: textOption(['westeurope', 'eastus2', 'nullx', 'yes1'], ['West Europe']),
    registrySku: option(['Basic', 'Standard', 'Premium'], ['basic', 'null']),
    postgres: option(booleans, oddBooleans),
    port: option(ports, oddPorts),
    database: option(databases, ['null']),
  }),
  'github-actions': options({
    registry: textOption(['ghcr.io', 'myregistry.azurecr.io', 'registry.example.com:5000/team', 'GHCR.IO/Acme', 'true', '1e5', 'null.io'], ['ghcr.io/', 'a b']),
    azure: option(booleans, oddBooleans),
    environments: option(environments, oddEnvironments),
  }),
  'azure-pipelines': options({
    serviceConnection: textOption(['orders-azure', 'prod.connection_1', 'true', 'null', '123', '1e5', '0x1f', 'yes', 'on'], ['a b']),
    registryConnection: textOption(['orders-registry', 'acr', 'false', 'Null', '0o17', 'off'], ['-x']),
    environments: option(environments, oddEnvironments),
  }),
};

const step: fc.Arbitrary<Step> = fc.oneof(...Object.entries(stepOptions).map(([generator, options]) => options.map((o): Step => ({ generator, options: o }))));

/** About one step in twenty names a project that does not exist. */
const combination = fc.record({
  service: serviceOptions,
  // Sometimes a second service in the workspace first, often on the same port: one is refused, naming --port.
  neighbour: fc.option(options({ port: option(ports), deploy: option(['none', 'docker,compose', 'k8s,github-actions']) }), { nil: undefined }),
  steps: fc.array(fc.tuple(step, fc.nat(19)), { maxLength: 7 }).map((list) => list.map(([s, dice]) => (dice === 0 ? { ...s, project: 'nope' } : s))),
});

type Combination = { service: Record<string, unknown>; neighbour?: Record<string, unknown>; steps: Array<Step & { project?: string }> };

/** One generator run: accepted or refused, and the files it changed. */
interface Outcome {
  readonly run: string;
  readonly refused: boolean;
  readonly changed: readonly string[];
}

function changedFiles(before: ReadonlyMap<string, string>, after: ReadonlyMap<string, string>): string[] {
  return [...new Set([...before.keys(), ...after.keys()])].filter((path) => before.get(path) !== after.get(path)).sort();
}

async function run(tree: Tree, generator: string, options: Record<string, unknown>): Promise<Outcome> {
  const where = `${generator} ${JSON.stringify(options)}`;
  const before = treeFiles(tree);
  try {
    await (
      await generatorsByKey[`@slipway/nx:${generator}`]!()
    )(tree, options);
    return { run: where, refused: false, changed: changedFiles(before, treeFiles(tree)) };
  } catch (error) {
    if (!(error instanceof OptionsError)) throw new Error(`${where} failed with ${String((error as Error)?.stack ?? error)}`, { cause: error });
    // The error names each option it refuses, and the refusal happens before any write.
    const [first, ...problems] = error.message.split('\n');
    expect(first, where).toMatch(/^Invalid options for @slipway\/nx:[a-z0-9-]+; nothing was written\.$/);
    expect(problems.length, where).toBeGreaterThan(0);
    for (const line of problems) expect(line, where).toMatch(/^ {2}(--[A-Za-z0-9.]+|options): \S/);
    expect(changedFiles(before, treeFiles(tree)), `${where} was refused but changed files`).toEqual([]);
    return { run: where, refused: true, changed: [] };
  }
}

/** Runs the service generator (after its neighbour's, if any), then each step on the service. */
async function generate(tree: Tree, combo: Combination): Promise<Outcome[]> {
  const outcomes = combo.neighbour ? [await run(tree, 'new-mcp-service', { name: 'neighbour', ...combo.neighbour, skipInstall: true })] : [];
  outcomes.push(await run(tree, 'new-mcp-service', { ...combo.service, skipInstall: true }));
  for (const s of combo.steps) outcomes.push(await run(tree, s.generator, { ...s.options, project: s.project ?? combo.service['name'] }));
  return outcomes;
}

// The service's TypeScript is compiled for every transport, database and preset by
// test/generated-variants.e2e.ts; here it would take most of the time, for files this fuzz varies
// only by literal name and port. Identical files are checked once.
const skippedValidators = new Set([typescriptValidator.name]);
const validated = new Map<string, Promise<ValidationProblem[]>>();
function validateOnce(layer: string, files: ReadonlyMap<string, string>): Promise<ValidationProblem[]> {
  const hash = createHash('sha256').update(layer);
  for (const [path, text] of [...files].sort(([a], [b]) => a.localeCompare(b))) hash.update(`\0${path}\0${text}`);
  const key = hash.digest('hex');
  if (!validated.has(key)) {
    const validators = (validatorsByLayer[layer] ?? []).filter((validator) => !skippedValidators.has(validator.name));
    validated.set(
      key,
      Promise.all(validators.map((validator) => validator.validate(files))).then((lists) => lists.flat()),
    );
  }
  return validated.get(key)!;
}

/** Every generation recorded in the tree through its layer's validators, all at once (they spawn tools). */
async function problemsOf(tree: Tree): Promise<string[]> {
  const generations = [...projects(tree).values()].flatMap((project) => recordedGenerations(tree, project.root));
  const checked = await Promise.all(
    generations.map(async ({ generator, layer, files }) =>
      (await validateOnce(layer, files)).map((p) => `${generator}: ${p.file}${p.line ? `:${p.line}` : ''}: ${p.message}`),
    ),
  );
  return checked.flat();
}

/** Managed files that differ from what their generator's record renders now (update's and the drift check's view). */
async function driftOf(tree: Tree): Promise<string[]> {
  const reports = await Promise.all([...projects(tree)].map(([name, project]) => driftReport(tree, name, project.root)));
  return reports.flatMap((report) =>
    report.generations.flatMap(({ generator, files }) => files.filter((f) => f.state !== 'in-sync').map((f) => `${generator}: ${f.path} ${f.state}`)),
  );
}

describe('fuzz: random option combinations and generator orders', () => {
  beforeAll(() => {
    for (const level of ['warn', 'info', 'log'] as const) vi.spyOn(logger, level).mockImplementation(() => undefined);
  });
  afterAll(() => vi.restoreAllMocks());

  it(`each is refused cleanly, or valid and byte-identical when run again (seed ${seed}, ${numRuns} runs)`, { timeout: 0 }, async () => {
    const tally = { services: 0, runs: 0, refused: 0 };
    await fc.assert(
      fc.asyncProperty(combination as fc.Arbitrary<Combination>, async (combo) => {
        const tree = createTreeWithEmptyWorkspace();
        tree.write('package-lock.json', '{}\n');
        const first = await generate(tree, combo);
        expect(await problemsOf(tree)).toEqual([]);
        expect(await driftOf(tree), 'files that differ from what their records render').toEqual([]);
        const once = treeFiles(tree);
        const second = await generate(tree, combo);
        const rewrites = second.filter((outcome) => outcome.changed.length > 0).map(({ run, changed }) => `${run} changed ${changed.join(', ')}`);
        expect(changedFiles(once, treeFiles(tree)), `the same runs again changed files:\n${rewrites.join('\n')}`).toEqual([]);
        expect(second.map((outcome) => outcome.refused)).toEqual(first.map((outcome) => outcome.refused));
        tally.services += first.filter((outcome) => outcome.run.startsWith('new-mcp-service') && !outcome.refused).length;
        tally.runs += first.length;
        tally.refused += first.filter((outcome) => outcome.refused).length;
      }),
      { seed, numRuns },
    );
    console.info(
      `fuzz: ${numRuns} combinations, seed ${seed}: ${tally.services} services generated; ${tally.runs} generator runs, ${tally.refused} refused with a clear error`,
    );
  });
});
