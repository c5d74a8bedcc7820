import { type Tree } from '@nx/devkit';
import { readGeneratorRecord } from '../../../packages/nx/src/answers.js';
import { optionsError } from '../../../packages/nx/src/options.js';
import { assignPort } from '../../../packages/nx/src/ports.js';
import type { ParsedNewMcpServiceOptions } from '../schema.js';
import { projects } from '../../../packages/nx/src/projects.js';

export const GENERATOR = '@slipway/nx:new-mcp-service';
const SERVICE_TAG = 'type:mcp-service';

/** Options after defaults, derivations and workspace look-ups: what the generator and the answers record use. */
export interface NormalizedNewMcpServiceOptions {
  readonly name: string;
  readonly directory: string;
  readonly transport: ParsedNewMcpServiceOptions['transport'];
  readonly database: ParsedNewMcpServiceOptions['database'];
  readonly port: number;
  readonly tags: readonly string[];
  /** `retail` renders templates/retail/ on top of templates/server/. */
  readonly preset: ParsedNewMcpServiceOptions['preset'];
  readonly skipInstall: boolean;
}

export function normalizeOptions(tree: Tree, options: ParsedNewMcpServiceOptions): NormalizedNewMcpServiceOptions {
  const directory = options.directory || `services/${options.name}`;
  const clash = [...projects(tree)].find(([name, project]) => name === options.name && project.root !== directory);
  if (clash) {
    throw optionsError(GENERATOR, [`--name: a project named "${options.name}" already exists at ${clash[1].root}; choose another name.`]);
  }
  // A directory that holds (or sits inside, or contains) another project would rewrite that project's files.
  const occupant = [...projects(tree)].find(
    ([name, project]) =>
      name !== options.name && (project.root === directory || directory.startsWith(`${project.root}/`) || project.root.startsWith(`${directory}/`)),
  );
  if (occupant) {
    const [name, project] = occupant;
    const where = project.root === directory ? 'holds' : directory.startsWith(`${project.root}/`) ? 'is inside' : 'contains';
    throw optionsError(GENERATOR, [
      `--directory: ${directory} ${where} the project "${name}" (${project.root}); choose a directory of its own, e.g. --directory=services/${options.name}.`,
    ]);
  }
  const previousPort = readGeneratorRecord(tree, directory, GENERATOR)?.options['port'];
  return {
    name: options.name,
    directory,
    transport: options.transport,
    database: options.database,
    port: assignPort(tree, directory, options.port, typeof previousPort === 'number' ? previousPort : undefined),
    tags: [...new Set([SERVICE_TAG, ...(options.tags ?? [])])].sort(),
    preset: options.preset,
    skipInstall: options.skipInstall,
  };
}
