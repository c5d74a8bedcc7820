import { execFileSync } from 'node:child_process';
import { chmodSync, copyFileSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { LocalRegistry } from '../local-registry.js';
import { nx, npmIn } from '../local-packages.js';

export const benchDir = dirname(fileURLToPath(import.meta.url));

/** Environment for `nx` in a bench workspace: no daemon, no cloud, and `npm` stubbed (see npmStub). */
export function nxEnv(stubBin: string): NodeJS.ProcessEnv {
  return {
    ...process.env,
    PATH: `${stubBin}:${process.env['PATH'] ?? ''}`,
    NX_DAEMON: 'false',
    NX_NO_CLOUD: 'true',
    NX_SKIP_NX_CACHE: 'true',
    NX_TUI: 'false',
    NX_INTERACTIVE: 'false',
    npm_config_update_notifier: 'false',
  };
}

/**
 * A directory holding an `npm` that only answers `--version`. Both compared generators end with an
 * `npm install` task (@nx/node has no option to skip it): stubbing npm keeps the network out of
 * the timing while each generator still does all of its own work.
 */
export function npmStub(work: string): string {
  const bin = join(work, 'npm-stub');
  mkdirSync(bin, { recursive: true });
  const version = execFileSync('npm', ['--version'], { encoding: 'utf8' }).trim();
  const script = join(bin, 'npm');
  writeFileSync(script, `#!/bin/sh\ncase "$1" in --version|-v|version) echo ${version};; esac\nexit 0\n`);
  chmodSync(script, 0o755);
  return bin;
}

function git(dir: string, args: readonly string[]): void {
  execFileSync('git', ['-c', 'user.name=bench', '-c', 'user.email=bench@example.com', ...args], { cwd: dir, stdio: 'ignore' });
}

/** Commits the workspace as it is, so that every timed run can start from exactly this state. */
export function gitBaseline(dir: string): void {
  if (!existsSync(join(dir, '.git'))) git(dir, ['init', '-q']);
  git(dir, ['add', '-A']);
  git(dir, ['commit', '-qm', 'baseline', '--allow-empty']);
}

/** Back to the baseline: generated files and edits gone, node_modules (ignored) kept. */
export function gitReset(dir: string): void {
  git(dir, ['reset', '--hard', '-q']);
  git(dir, ['clean', '-fdq']);
}

/**
 * The generator comparison's workspace: nx and @nx/node 23.2.1 from tools/bench/nx23-workspace's
 * committed lockfile (the newest @nx/node is 23.x, and Nx plugins must match nx's version), with
 * @slipway/nx added from the local registry as users would (`nx add`).
 */
export function createNx23Workspace(dir: string, registry: LocalRegistry, slipwayVersion: string): void {
  mkdirSync(dir, { recursive: true });
  for (const file of ['package.json', 'package-lock.json']) copyFileSync(join(benchDir, 'nx23-workspace', file), join(dir, file));
  writeFileSync(join(dir, '.npmrc'), `${registry.scopeLine}\n`);
  writeFileSync(join(dir, 'nx.json'), '{}\n');
  execFileSync('git', ['init', '-q'], { cwd: dir });
  // `install`, not `ci`: the lockfile still pins every version, but npm ci refuses a lock that lacks other
  // platforms' optional binaries (@unrs/resolver-binding-*), which npm leaves out when they can't be fetched.
  npmIn(dir, ['install', '--no-audit', '--no-fund']);
  npmIn(dir, ['install', '-D', '-E', '--no-audit', '--no-fund', `@slipway/nx@${slipwayVersion}`]);
  nx(dir, ['g', '@slipway/nx:init', '--skipInstall', '--no-interactive']);
}

export interface PluginOffer {
  readonly generators: readonly string[];
  /** Values of new-mcp-service's deploy option, when this build has one. */
  readonly deployTargets: readonly string[];
  /** The option's name as the CLI takes it. */
  readonly deployOption: string | undefined;
  /** Whether the option is a list (array) or a comma-separated string. */
  readonly deployOptionIsArray: boolean;
  /**
   * Per-project layer generators (docker, compose, k8s, ...): those that take a required `project`,
   * other than update and adopt, which act on a whole existing project.
   */
  readonly deployGenerators: readonly string[];
  readonly hasUpdate: boolean;
  /** Deploy targets left out because they fail in this build, with the first line of their error. */
  readonly brokenTargets: ReadonlyArray<{ target: string; error: string }>;
  readonly migrationsFile: string | undefined;
}

interface JsonSchemaProperty {
  type?: string;
  enum?: string[];
  items?: { enum?: string[] } | { enum?: string[] }[];
  'x-prompt'?: { items?: Array<{ value: string } | string> };
}

function enumOf(property: JsonSchemaProperty): string[] {
  if (property.enum) return property.enum;
  const items = Array.isArray(property.items) ? property.items[0] : property.items;
  if (items?.enum) return items.enum;
  const prompt = property['x-prompt']?.items ?? [];
  return prompt.map((item) => (typeof item === 'string' ? item : item.value));
}

/** What the installed @slipway/nx offers: read from its generators.json and schemas, never assumed. */
export function pluginOffer(workspace: string): PluginOffer {
  const root = join(workspace, 'node_modules/@slipway/nx');
  const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { 'nx-migrations'?: string | { migrations?: string } };
  const collection = JSON.parse(readFileSync(join(root, 'generators.json'), 'utf8')) as {
    generators: Record<string, { schema: string; hidden?: boolean }>;
  };
  const schema = JSON.parse(readFileSync(join(root, collection.generators['new-mcp-service']!.schema), 'utf8')) as {
    properties: Record<string, JsonSchemaProperty>;
  };
  const deployOption = ['deploy', 'deployTargets', 'targets'].find((name) => name in schema.properties);
  const deployProperty = deployOption ? schema.properties[deployOption]! : undefined;
  const deployGenerators = Object.entries(collection.generators)
    .filter(([name, entry]) => {
      if (name === 'update' || name === 'adopt' || entry.hidden) return false;
      const generatorSchema = JSON.parse(readFileSync(join(root, entry.schema), 'utf8')) as { required?: string[] };
      return generatorSchema.required?.includes('project') ?? false;
    })
    .map(([name]) => name);
  // Without an enum (a comma-separated string), the values are the deploy generators' names.
  const enumerated = deployProperty ? enumOf(deployProperty).filter((t) => t !== 'none') : [];
  const deployTargets = deployProperty ? (enumerated.length > 0 ? enumerated : deployGenerators) : [];
  const declared = typeof pkg['nx-migrations'] === 'string' ? pkg['nx-migrations'] : pkg['nx-migrations']?.migrations;
  const migrationsFile = [declared, 'migrations.json'].find((file) => file !== undefined && existsSync(join(root, file)));
  return {
    generators: Object.keys(collection.generators).sort(),
    deployTargets,
    deployOption,
    deployOptionIsArray: deployProperty?.type === 'array',
    deployGenerators,
    hasUpdate: 'update' in collection.generators,
    brokenTargets: [],
    migrationsFile: migrationsFile === undefined ? undefined : join(root, migrationsFile),
  };
}

/** The new-mcp-service arguments that turn on every deploy target this build offers. */
export function deployArgs(offer: PluginOffer): string[] {
  return offer.deployOption && offer.deployTargets.length > 0 ? [`--${offer.deployOption}=${offer.deployTargets.join(',')}`] : [];
}

/** `count` project.json stubs under libs/, the cheapest projects Nx will load. */
export function writeProjectStubs(workspace: string, count: number): void {
  for (let i = 1; i <= count; i += 1) {
    const name = `stub-${String(i).padStart(3, '0')}`;
    const root = join(workspace, 'libs', name);
    mkdirSync(join(root, 'src'), { recursive: true });
    writeFileSync(
      join(root, 'project.json'),
      `${JSON.stringify({ name, root: `libs/${name}`, sourceRoot: `libs/${name}/src`, projectType: 'library', targets: {} }, null, 2)}\n`,
    );
    writeFileSync(join(root, 'src/index.ts'), `export const ${name.replace('-', '_')} = ${i};\n`);
  }
}

/**
 * The offer without the deploy targets that fail in this build (work in progress elsewhere), each tried
 * once on its own, in-process and without writing (tools/bench/gen-timing.mjs).
 */
export async function workingOffer(workspace: string, offer: PluginOffer, env: NodeJS.ProcessEnv): Promise<PluginOffer> {
  const broken: Array<{ target: string; error: string }> = [];
  for (const target of offer.deployTargets.length > 0 ? offer.deployTargets : offer.deployGenerators) {
    const steps = offer.deployOption
      ? [{ generator: 'new-mcp-service', options: { name: 'probe', [offer.deployOption]: offer.deployOptionIsArray ? [target] : target } }]
      : [
          { generator: 'new-mcp-service', options: { name: 'probe' } },
          { generator: target, options: { project: 'probe' } },
        ];
    try {
      execFileSync(process.execPath, [join(benchDir, 'gen-timing.mjs'), JSON.stringify({ collection: '@slipway/nx', steps, iterations: 1 })], {
        cwd: workspace,
        env,
        stdio: ['ignore', 'pipe', 'pipe'],
      });
    } catch (error) {
      const stderr = String((error as { stderr?: Buffer }).stderr ?? error);
      const lines = stderr.split('\n');
      const line = lines.find((l) => /^\s*[A-Za-z]*Error: /.test(l)) ?? lines.find((l) => /Could not|Cannot|Invalid/.test(l)) ?? lines[0] ?? '';
      broken.push({ target, error: line.trim().slice(0, 200) });
    }
  }
  const bad = new Set(broken.map((b) => b.target));
  return {
    ...offer,
    deployTargets: offer.deployTargets.filter((t) => !bad.has(t)),
    deployGenerators: offer.deployGenerators.filter((t) => !bad.has(t)),
    brokenTargets: broken,
  };
}
