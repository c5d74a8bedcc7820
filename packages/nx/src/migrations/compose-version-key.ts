import { logger, visitNotIgnoredFiles, type Tree } from '@nx/devkit';
import { applySplices, mapPair, parseYamlOrSkip, removePair } from '../yaml-edits.js';

const COMPOSE_FILE = /(^|\/)(docker-)?compose(\.[\w-]+)?\.ya?ml$/;

/**
 * The Compose Specification made the top-level `version:` key obsolete (compose v2 warns and
 * ignores it). Removes it from every compose file, leaving the rest of each file as it was.
 */
export default function removeComposeVersionKey(tree: Tree): string[] {
  const changed: string[] = [];
  visitNotIgnoredFiles(tree, '', (path) => {
    if (!COMPOSE_FILE.test(path)) return;
    const source = tree.read(path, 'utf-8')!;
    const doc = parseYamlOrSkip(source, path);
    if (!doc) return;
    const pair = mapPair(doc.contents, 'version');
    if (!pair || !mapPair(doc.contents, 'services')) return;
    tree.write(path, applySplices(source, [removePair(source, pair)]));
    changed.push(path);
  });
  for (const path of changed) logger.info(`Removed the obsolete "version:" key from ${path}`);
  return changed;
}
