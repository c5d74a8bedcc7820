import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { defaultNodeLine, nodeBaseImages } from '../../packages/nx/src/versions.js';
import { buildContextOverride, ensurePodmanTools, ensureStandInBaseImage, podmanEnvironment } from '../stand-in-base-image.js';
import { nx } from '../local-packages.js';
import { timed } from './processes.js';
import type { PluginOffer } from './workspaces.js';
import { completePlatformEntries } from '../lockfile.js';

/** Section 5: the generated Dockerfile built with podman on the stand-in base, its size and what it adds. */

export type ImageResult =
  | { readonly available: false; readonly reason: string }
  | {
      readonly available: true;
      readonly service: string;
      readonly base: string;
      readonly baseBytes: number;
      readonly imageBytes: number;
      readonly buildSec: number;
      readonly cachedBuildSec: number;
      /** The layers above the base, largest first. */
      readonly layers: ReadonlyArray<{ bytes: number; createdBy: string }>;
    };

async function podman(args: readonly string[], env: NodeJS.ProcessEnv, cwd: string): Promise<string> {
  return (await timed('podman', args, cwd, env)).output;
}

export async function benchImage(options: {
  workspace: string;
  /** The .npmrc line that routes @slipway to the running local registry. */
  scopeLine: string;
  offer: PluginOffer;
  work: string;
  /** One build, with podman's cache, instead of a clean one and a cached one. */
  quick: boolean;
  log: (message: string) => void;
}): Promise<ImageResult> {
  const { workspace, offer, work, log } = options;
  if (!offer.generators.includes('docker')) return { available: false, reason: 'this build of @slipway/nx has no docker generator' };
  try {
    await ensurePodmanTools();
  } catch (error) {
    return { available: false, reason: `podman is not available: ${String(error).split('\n')[0]}` };
  }
  const service = 'bench-db';
  const dockerfile = join(workspace, 'services', service, 'Dockerfile');
  if (!existsSync(dockerfile)) nx(workspace, ['g', '@slipway/nx:docker', service, '--no-interactive']);
  completePlatformEntries(join(workspace, 'package-lock.json'));

  const env = podmanEnvironment(join(work, 'podman'));
  const base = nodeBaseImages[defaultNodeLine];
  const standIn = await ensureStandInBaseImage(defaultNodeLine, join(work, 'podman'), env);
  log(`stand-in base ${standIn.tag} ${standIn.reused ? 'reused' : `built in ${standIn.seconds} s`}`);
  const npmrc = join(work, 'podman', 'build.npmrc');
  writeFileSync(npmrc, `${options.scopeLine}\n`);
  const tag = `localhost/slipway-bench/${service}:bench`;
  const build = async (cache: boolean) =>
    (
      await timed(
        'podman',
        [
          'build',
          ...(cache ? [] : ['--no-cache']),
          '--network',
          'host',
          '--format',
          'docker',
          '--pull=never',
          '--build-context',
          buildContextOverride(base, standIn.tag),
          '--secret',
          `id=npmrc,src=${npmrc}`,
          '-f',
          `services/${service}/Dockerfile`,
          '-t',
          tag,
          '.',
        ],
        workspace,
        env,
      )
    ).ms / 1000;
  try {
    const buildSec = await build(options.quick);
    const cachedBuildSec = options.quick ? Number.NaN : await build(true);
    const size = async (image: string) => Number((await podman(['image', 'inspect', '--format', '{{.Size}}', image], env, workspace)).trim());
    const baseLayers = Number((await podman(['history', '--quiet', standIn.tag], env, workspace)).trim().split('\n').length);
    const history = (await podman(['history', '--no-trunc', '--format', '{{.Size}}\t{{.CreatedBy}}', tag], env, workspace)).trim().split('\n');
    // podman history lists newest first; the last `baseLayers` entries are the base's.
    const layers = history
      .slice(0, Math.max(0, history.length - baseLayers))
      .map((line) => {
        const [sizeText, ...rest] = line.split('\t');
        return { bytes: parseSize(sizeText ?? '0'), createdBy: rest.join(' ').replace(/\s+/g, ' ').trim().slice(0, 140) };
      })
      .filter((l) => l.bytes > 0)
      .sort((a, b) => b.bytes - a.bytes);
    return {
      available: true,
      service,
      base: `${standIn.tag} (stand-in for ${base.name}:${base.tag})`,
      baseBytes: await size(standIn.tag),
      imageBytes: await size(tag),
      buildSec,
      cachedBuildSec,
      layers,
    };
  } catch (error) {
    return { available: false, reason: `the image did not build: ${String(error).split('\n').slice(0, 4).join(' ')}` };
  } finally {
    await timed('podman', ['rmi', '-f', tag], workspace, env).catch(() => undefined);
  }
}

/** podman's human sizes ("245 MB", "1.2kB") in bytes. */
function parseSize(text: string): number {
  const match = /([\d.]+)\s*([kMG]?B)/i.exec(text);
  if (!match) return 0;
  const scale: Record<string, number> = { b: 1, kb: 1e3, mb: 1e6, gb: 1e9 };
  return Number(match[1]) * (scale[match[2]!.toLowerCase()] ?? 1);
}
