import { getProjects, joinPathFragments, logger, type Tree } from '@nx/devkit';
import semver from 'semver';
import { readAnswers } from '../answers.js';
import { nodeBaseImages, versions } from '../versions.js';

const RUNTIME = '@slipway/mcp-runtime';
const PINNED_NODE = /\bnode:(\d+)-bookworm-slim@sha256:[0-9a-f]{64}\b/g;

/** An exact version (not a range the team chose) older than `target`. */
function olderExact(current: string, target: string): boolean {
  return semver.valid(current) === current && semver.lt(current, target);
}

/**
 * Moves Slipway-managed services to this release's pins: the Node base image (tag and digest, on
 * the same Node major line) in their Dockerfiles, and the exact @slipway/mcp-runtime version in
 * their package.json. Ranges and versions the team chose themselves are left alone.
 */
export default function updatePinnedVersions(tree: Tree): string[] {
  const notes: string[] = [];
  for (const [name, project] of getProjects(tree)) {
    const records = readAnswers(tree, project.root)?.records ?? {};
    if (records['@slipway/nx:new-mcp-service']) {
      const path = joinPathFragments(project.root, 'package.json');
      const text = tree.read(path, 'utf-8');
      if (text !== null) {
        const pkg = JSON.parse(text) as { dependencies?: Record<string, string> };
        const current = pkg.dependencies?.[RUNTIME];
        if (current && olderExact(current, versions[RUNTIME])) {
          pkg.dependencies![RUNTIME] = versions[RUNTIME];
          tree.write(path, `${JSON.stringify(pkg, null, 2)}\n`);
          notes.push(`${name}: ${RUNTIME} ${current} → ${versions[RUNTIME]}`);
        }
      }
    }
    if (records['@slipway/nx:docker']) {
      const path = joinPathFragments(project.root, 'Dockerfile');
      const text = tree.read(path, 'utf-8');
      if (text === null) continue;
      const next = text.replace(PINNED_NODE, (pin, major: string) => {
        const image = nodeBaseImages[major as keyof typeof nodeBaseImages];
        return image ? `${image.name}:${image.tag}@${image.digest}` : pin;
      });
      if (next !== text) {
        tree.write(path, next);
        notes.push(`${name}: Dockerfile base image re-pinned to this release's Node image`);
      }
    }
  }
  for (const note of notes) logger.info(note);
  return notes;
}
