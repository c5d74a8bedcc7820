import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { captureRenders } from './generate-layer.js';
import type { generatorsByKey } from './generator-registry.js';

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
 */
export function registryLoader(workspaceRoot: string): RenderingApiLoader {
  return async (version) => {
    const cache = join(workspaceRoot, 'node_modules/.cache/slipway', `nx-${version}`);
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
        throw new Error(`could not fetch @slipway/nx@${version} from the registry (${stderr || (error as Error).message})`);
      }
    }
    const pkg = JSON.parse(readFileSync(manifest, 'utf8')) as { main?: string };
    const api = (await import(pathToFileURL(join(cache, 'package', pkg.main ?? 'index.js')).href)) as Partial<RenderingApi>;
    if (typeof api.captureRenders !== 'function' || typeof api.generatorsByKey !== 'object') {
      throw new Error(`@slipway/nx@${version} predates re-rendering (it exports no captureRenders)`);
    }
    return api as RenderingApi;
  };
}
