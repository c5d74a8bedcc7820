import { createHash } from 'node:crypto';
import { joinPathFragments, type Tree } from '@nx/devkit';
import { stableJson } from './stable-json.js';

/**
 * The answers record: per project, what each Slipway generator rendered (its version, its
 * normalized options and a hash of every file it wrote). The hashes tell a user's edit from our
 * own output; the options and version are enough to re-render the base of a later update.
 */
export const answersFileName = '.slipway-answers.json';

export interface GeneratorRecord {
  /** The @slipway/nx version that rendered the files. */
  readonly version: string;
  /** Normalized options, as the generator used them. */
  readonly options: Readonly<Record<string, unknown>>;
  /**
   * Where `files` paths start, relative to the workspace root, when not the project root (for
   * example `""` for workflows under the workspace's .github/).
   */
  readonly base?: string;
  /** Team layers rendered on top of Slipway's templates, with the content hash that re-renders them. */
  readonly layers?: ReadonlyArray<{ readonly path: string; readonly name: string; readonly version: string; readonly hash: string }>;
  /** Path (from the project root, or `base`) → content hash of what the generator last wrote. */
  readonly files: Readonly<Record<string, string>>;
}

export interface AnswersFile {
  /** Keyed by generator, e.g. `@slipway/nx:new-mcp-service`. */
  readonly records: Readonly<Record<string, GeneratorRecord>>;
}

export function contentHash(content: string | Buffer): string {
  return `sha256:${createHash('sha256').update(content).digest('hex')}`;
}

export function readAnswers(tree: Tree, projectRoot: string): AnswersFile | undefined {
  const path = joinPathFragments(projectRoot, answersFileName);
  const text = tree.read(path, 'utf-8');
  if (text === null) return undefined;
  try {
    const parsed = JSON.parse(text) as Partial<AnswersFile>;
    return { records: parsed.records ?? {} };
  } catch (error) {
    throw new Error(`${path} is not valid JSON (${(error as Error).message}); fix or delete it and re-run.`);
  }
}

export function readGeneratorRecord(tree: Tree, projectRoot: string, generator: string): GeneratorRecord | undefined {
  return readAnswers(tree, projectRoot)?.records[generator];
}

export function writeGeneratorRecord(tree: Tree, projectRoot: string, generator: string, record: GeneratorRecord): void {
  const current = readAnswers(tree, projectRoot) ?? { records: {} };
  const next: AnswersFile = { records: { ...current.records, [generator]: record } };
  const path = joinPathFragments(projectRoot, answersFileName);
  const content = stableJson(next);
  if (tree.read(path, 'utf-8') !== content) tree.write(path, content);
}
