import { appendFileSync, copyFileSync, existsSync, mkdirSync, readFileSync, readdirSync, realpathSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { timed } from './processes.js';
import { summarizeProfile, type ProfileSummary } from './profile.js';
import { summarize, type Summary } from './stats.js';
import { benchDir, gitBaseline, gitReset, nxEnv, type PluginOffer } from './workspaces.js';

/** Section 2: `update --all` and `nx migrate --run-migrations` over a workspace of generated services with user edits. */

export type UpdateResult =
  | { readonly available: false; readonly reason: string }
  | {
      readonly available: true;
      readonly services: number;
      readonly layers: readonly string[];
      readonly failedLayers: readonly string[];
      readonly files: number;
      /** Generating them all in one process (set-up, shown for scale). */
      readonly generateMs: number;
      readonly update: Summary | { error: string };
      readonly migrate: Summary | { error: string } | { unavailable: string };
      readonly migrations: readonly string[];
      readonly profile?: ProfileSummary;
    };

const UPDATE_FOCUS = /generators\/|@slipway|getProjects|readAndCombine|readJson|globWithWorkspaceContext|scratch-tree|three-way/;

interface MigrationsFile {
  generators?: Record<string, { version: string; description?: string }>;
}

/** A migrations.json like `nx migrate @slipway/nx@latest` writes, listing every migration the plugin ships. */
function writeRunList(workspace: string, migrationsFile: string): string[] {
  const migrations = JSON.parse(readFileSync(migrationsFile, 'utf8')) as MigrationsFile;
  const entries = Object.entries(migrations.generators ?? {}).map(([name, m]) => ({
    package: '@slipway/nx',
    name,
    version: m.version,
    ...(m.description !== undefined && { description: m.description }),
  }));
  writeFileSync(join(workspace, 'migrations.json'), `${JSON.stringify({ migrations: entries }, null, 2)}\n`);
  return entries.map((e) => e.name);
}

/** User edits in managed files (merged by update) and in write-once code (never touched). */
function editServices(workspace: string): void {
  const services = join(workspace, 'services');
  for (const name of readdirSync(services)) {
    const dir = join(services, name);
    appendFileSync(join(dir, 'README.md'), '\n## Team notes\n\nOwned by the platform team; page #mcp-oncall.\n');
    const pkgFile = join(dir, 'package.json');
    const pkg = JSON.parse(readFileSync(pkgFile, 'utf8')) as { scripts: Record<string, string> };
    pkg.scripts['lint'] = 'eslint src';
    writeFileSync(pkgFile, `${JSON.stringify(pkg, null, 2)}\n`);
    appendFileSync(join(dir, 'src/capabilities/text-stats.ts'), '\n// Reviewed by the team.\n');
  }
}

export async function benchUpdate(options: {
  work: string;
  from: string;
  offer: PluginOffer;
  stubBin: string;
  services: number;
  rounds: number;
  log: (message: string) => void;
}): Promise<UpdateResult> {
  const { offer, log } = options;
  if (!offer.hasUpdate) return { available: false, reason: 'this build of @slipway/nx has no `update` generator' };
  const env = { ...nxEnv(options.stubBin), NX_MIGRATE_SKIP_INSTALL: 'true', NX_MIGRATE_USE_LOCAL: 'true' };
  const dir = join(options.work, 'update');
  mkdirSync(dir, { recursive: true });
  for (const file of ['package.json', 'package-lock.json', 'nx.json', '.gitignore', '.npmrc']) {
    if (existsSync(join(options.from, file))) copyFileSync(join(options.from, file), join(dir, file));
  }
  if (!existsSync(join(dir, 'node_modules'))) symlinkSync(join(options.from, 'node_modules'), join(dir, 'node_modules'));

  // Every deploy target: through new-mcp-service's own option when it has one, else each layer generator in turn.
  const layers = offer.deployOption ? [] : offer.deployGenerators;
  const serviceOptions = offer.deployOption
    ? { [offer.deployOption]: offer.deployOptionIsArray ? [...offer.deployTargets] : offer.deployTargets.join(',') }
    : {};
  const targets = offer.deployOption ? offer.deployTargets : layers;
  const spec = { count: options.services, serviceOptions, layers };
  const { output } = await timed(process.execPath, [join(benchDir, 'gen-many.mjs'), JSON.stringify(spec)], dir, env);
  const generated = JSON.parse(output.split('\n').find((l) => l.startsWith('{"ms"'))!) as { ms: number; files: number; failed: string[] };
  log(`generated ${options.services} services with ${targets.join(', ') || 'no deploy layers'} in ${Math.round(generated.ms)} ms (${generated.files} files)`);
  editServices(dir);
  gitBaseline(dir);

  const updates: number[] = [];
  let updateError: string | undefined;
  for (let round = 0; round < options.rounds && updateError === undefined; round += 1) {
    try {
      const { ms } = await timed(join(dir, 'node_modules/.bin/nx'), ['g', '@slipway/nx:update', '--all', '--no-interactive'], dir, env);
      updates.push(ms);
      log(`update --all round ${round + 1}/${options.rounds}: ${Math.round(ms)} ms`);
    } catch (error) {
      updateError = String(error).split('\n').slice(0, 6).join(' ');
    }
    gitReset(dir);
  }

  // One more run, profiled, not counted.
  let profile: ProfileSummary | undefined;
  if (updateError === undefined) {
    const profileDir = join(options.work, 'profiles', 'update');
    await timed(
      process.execPath,
      ['--cpu-prof', `--cpu-prof-dir=${profileDir}`, realpathSync(join(dir, 'node_modules/.bin/nx')), 'g', '@slipway/nx:update', '--all', '--no-interactive'],
      dir,
      env,
    ).catch(() => undefined);
    gitReset(dir);
    profile = summarizeProfile(`update --all over ${options.services} services`, profileDir, UPDATE_FOCUS);
  }

  let migrate: Summary | { error: string } | { unavailable: string } = { unavailable: 'this build of @slipway/nx ships no migrations.json' };
  let migrations: string[] = [];
  if (offer.migrationsFile) {
    const runs: number[] = [];
    for (let round = 0; round < options.rounds; round += 1) {
      migrations = writeRunList(dir, offer.migrationsFile);
      try {
        const { ms } = await timed(join(dir, 'node_modules/.bin/nx'), ['migrate', '--run-migrations=migrations.json'], dir, env);
        runs.push(ms);
        log(`nx migrate --run-migrations round ${round + 1}/${options.rounds}: ${Math.round(ms)} ms`);
      } catch (error) {
        migrate = { error: String(error).split('\n').slice(0, 6).join(' ') };
        gitReset(dir);
        break;
      }
      gitReset(dir);
    }
    if (runs.length > 0) migrate = summarize(runs);
  }
  return {
    available: true,
    services: options.services,
    layers: targets,
    failedLayers: generated.failed,
    files: generated.files,
    generateMs: generated.ms,
    update: updateError === undefined ? summarize(updates) : { error: updateError },
    migrate,
    migrations,
    ...(profile && { profile }),
  };
}
