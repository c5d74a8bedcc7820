import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync } from 'node:fs';
import { isAbsolute, join, relative, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { captureRenders } from './generate-layer.js';
import type { generatorsByKey } from './generator-registry.js';
import { UntrustedFileError, isExactVersion } from './untrusted.js';

/** What `update` needs from a version of @slipway/nx to re-render what it generated. */
export interface RenderingApi {
  readonly slipwayVersion: string;
  readonly captureRenders: typeof captureRenders;
  readonly generatorsByKey: typeof generatorsByKey;
}

export type RenderingApiLoader = (version: string) => Promise<RenderingApi>;

/**
 * Loads an earlier @slipway/nx from the registry the workspace uses (its .npmrc applies), unpacked
 * under node_modules/.cache so that its own imports resolve against the workspace's packages.
 * Throws with the reason when that version can't be had or can't re-render.
 *
 * The version comes from the answers record, a repository file: it goes into a path, an npm spec
 * and an import, so anything but an exact version is refused before any of them.
 */
export function registryLoader(workspaceRoot: string): RenderingApiLoader {
  return async (version) => {
    if (!isExactVersion(version)) {
      throw new UntrustedFileError(`refusing to load @slipway/nx@${JSON.stringify(version)}: not an exact version such as 1.4.2`);
    }
    const cacheRoot = resolve(workspaceRoot, 'node_modules/.cache/slipway');
    const cache = join(cacheRoot, `nx-${version}`);
    const manifest = join(cache, 'package/package.json');
    if (!existsSync(manifest)) {
      mkdirSync(cache, { recursive: true });
      try {
        execFileSync('npm', ['pack', `@slipway/nx@${version}`, '--pack-destination', cache], {
          cwd: workspaceRoot,
          stdio: ['ignore', 'pipe', 'pipe'],
          timeout: 120_000,
        });
        const tarball = readdirSync(cache).find((f) => f.endsWith('.tgz'));
        if (!tarball) throw new Error('npm pack produced no tarball');
        execFileSync('tar', ['-xzf', join(cache, tarball), '-C', cache], { stdio: 'ignore' });
      } catch (error) {
        const stderr = (error as { stderr?: Buffer }).stderr?.toString().trim().split('\n').pop();
        throw new Error(`could not fetch @slipway/nx@${version} from the registry (${stderr || (error as Error).message})`, { cause: error });
      }
    }
    const pkg = JSON.parse(readFileSync(manifest, 'utf8')) as { main?: unknown };
    const main = typeof pkg.main === 'string' ? pkg.main : 'index.js';
    const entry = resolve(cache, 'package', main);
    if (!isInside(join(cache, 'package'), entry)) throw new Error(`@slipway/nx@${version} names an entry point outside its package (${main})`);
    const api = (await import(pathToFileURL(entry).href)) as Partial<RenderingApi>;
    if (typeof api.captureRenders !== 'function' || typeof api.generatorsByKey !== 'object') {
      throw new Error(`@slipway/nx@${version} predates re-rendering (it exports no captureRenders)`);
    }
    return api as RenderingApi;
  };
}

function isInside(dir: string, path: string): boolean {
  const rel = relative(dir, path);
  return rel !== '' && !rel.startsWith('..') && !isAbsolute(rel);
}
