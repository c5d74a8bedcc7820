import { joinPathFragments, logger, type Tree } from '@nx/devkit';
import semver from 'semver';
import { readAnswers } from '../answers.js';
import { SERVICE_GENERATOR } from '../deploy-target.js';
import { CONFORMANCE_BASELINE, CONFORMANCE_TARGET, conformanceTarget, pinnedSuiteVersion, withSuiteVersion } from '../conformance.js';
import { recordedFor, targetsOf } from '../file-ownership.js';
import { projects } from '../projects.js';
import { packagedLayer, writeManagedFile } from '../render.js';
import { stableJson } from '../stable-json.js';
import { versions } from '../versions.js';

const SUITE = versions['@modelcontextprotocol/conformance'];
const DATABASES = ['pglite', 'postgres', 'none'] as const;

function databaseOf(options: Readonly<Record<string, unknown>>): (typeof DATABASES)[number] {
  const database = options['database'];
  return DATABASES.find((d) => d === database) ?? 'pglite';
}

/** The one writer merges a project.json by target: only `conformance` is written, the rest stays. */
function writeTarget(tree: Tree, root: string, target: unknown): void {
  writeManagedFile(tree, joinPathFragments(root, 'project.json'), stableJson({ targets: { [CONFORMANCE_TARGET]: target } }), 'targets');
}

/**
 * HTTP services made before the `conformance` target get it, with the expected-failures baseline,
 * as new-mcp-service writes them today. A target that pins an older suite is moved to this release's.
 * Left alone: stdio-only services, a target or baseline the team removed (the answers record shows
 * Slipway wrote the baseline), a command that is no longer Slipway's runner, a newer pin.
 */
export default function addConformance(tree: Tree): string[] {
  const notes: string[] = [];
  for (const [name, project] of projects(tree)) {
    const record = readAnswers(tree, project.root)?.records[SERVICE_GENERATOR];
    if (!record || record.options['transport'] === 'stdio') continue;
    const projectJson = tree.read(joinPathFragments(project.root, 'project.json'), 'utf-8');
    if (projectJson === null) continue;
    const current = targetsOf(projectJson)[CONFORMANCE_TARGET];
    const hadIt = recordedFor(record.files, CONFORMANCE_BASELINE) !== undefined;

    if (current === undefined) {
      if (hadIt) continue;
      writeTarget(tree, project.root, conformanceTarget({ database: databaseOf(record.options) }));
      const baseline = joinPathFragments(project.root, CONFORMANCE_BASELINE);
      if (!tree.exists(baseline)) tree.write(baseline, packagedLayer('server').read(CONFORMANCE_BASELINE));
      notes.push(`${name}: added the conformance target (MCP conformance suite ${SUITE}) and ${CONFORMANCE_BASELINE}`);
      continue;
    }
    const pinned = pinnedSuiteVersion(current);
    if (pinned === undefined || semver.valid(pinned) !== pinned || !semver.lt(pinned, SUITE)) continue;
    const target = current as { options: { command: string } };
    writeTarget(tree, project.root, { ...target, options: { ...target.options, command: withSuiteVersion(target.options.command, SUITE) } });
    notes.push(`${name}: conformance target moved from the MCP conformance suite ${pinned} to ${SUITE}`);
  }
  for (const note of notes) logger.info(note);
  return notes;
}
