import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

// Source and build output sit at different depths (src/ vs dist/packages/nx/src/), so both
// the templates folder and our package.json are found by walking up rather than by fixed paths.
function findUp(start: string, matches: (dir: string) => boolean): string | undefined {
  let dir = start;
  for (;;) {
    if (matches(dir)) return dir;
    const parent = dirname(dir);
    if (parent === dir) return undefined;
    dir = parent;
  }
}

const here = dirname(fileURLToPath(import.meta.url));

export const packageRoot: string = (() => {
  const found = findUp(here, (dir) => {
    const file = join(dir, 'package.json');
    return existsSync(file) && (JSON.parse(readFileSync(file, 'utf8')) as { name?: string }).name === '@slipway/nx';
  });
  if (!found) throw new Error(`@slipway/nx: cannot locate its package.json above ${here}`);
  return found;
})();

/** The folder that holds one sub-folder per template layer (server, docker, ...). */
export const templatesRoot: string = (() => {
  const found = findUp(here, (dir) => existsSync(join(dir, 'templates', 'server')));
  if (!found) throw new Error(`@slipway/nx: cannot locate the templates folder above ${here}`);
  return join(found, 'templates');
})();

export const slipwayVersion: string = (JSON.parse(readFileSync(join(packageRoot, 'package.json'), 'utf8')) as { version: string }).version;
