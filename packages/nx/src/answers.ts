import { createHash } from 'node:crypto';
import { joinPathFragments, type Tree } from '@nx/devkit';
import { z } from 'zod';
import { generatorsByKey } from './generator-registry.js';
import { recordingGenerators } from './generator-table.js';
import { stableJson } from './stable-json.js';
import { UntrustedFileError, exactVersion, jsonObject, layerFolder, layerName, parseUntrusted, sha256Hash, workspaceBase, workspacePath } from './untrusted.js';

/**
 * The answers record: per project, what each Slipway generator rendered (its version, its
 * normalized options and a hash of every file it wrote). The hashes tell a user's edit from our
 * own output; the options and version are enough to re-render the base of a later update.
 *
 * The file is in the repository, so anyone who can open a pull request can change it: it is only
 * ever read through readAnswers, which validates every field before anything uses it.
 */
export const answersFileName = '.slipway-answers.json';

export interface RecordedLayer {
  readonly path: string;
  readonly name: string;
  readonly version: string;
  readonly hash: string;
}

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
  readonly layers?: readonly RecordedLayer[];
  /** Path (from the project root, or `base`) → content hash of what the generator last wrote. */
  readonly files: Readonly<Record<string, string>>;
}

export interface AnswersFile {
  /** Keyed by generator, e.g. `@slipway/nx:new-mcp-service`. */
  readonly records: Readonly<Record<string, GeneratorRecord>>;
}

/**
 * Generators that record facts but render nothing, so the re-rendering registry does not list
 * them; every other key must be one the registry knows.
 */
const RECORD_ONLY_GENERATORS: ReadonlySet<string> = new Set(recordingGenerators('facts'));

export function isKnownGenerator(key: string): boolean {
  return Object.hasOwn(generatorsByKey, key) || RECORD_ONLY_GENERATORS.has(key);
}

const generatorKey = z.string().refine(isKnownGenerator, {
  message: 'is not a Slipway generator this version knows (e.g. "@slipway/nx:new-mcp-service"); remove the record or upgrade @slipway/nx',
});

export const recordedLayerSchema = z.strictObject({ path: layerFolder, name: layerName, version: exactVersion, hash: sha256Hash });

const generatorRecordSchema = z.strictObject({
  version: exactVersion,
  options: jsonObject,
  base: workspaceBase.optional(),
  layers: z.array(recordedLayerSchema).optional(),
  files: z.record(workspacePath, sha256Hash),
});

const answersSchema = z.strictObject(
  { records: z.record(generatorKey, generatorRecordSchema) },
  { message: 'must be an object: { "records": { "<generator>": { ... } } }' },
);

export function contentHash(content: string | Buffer): string {
  return `sha256:${createHash('sha256').update(content).digest('hex')}`;
}

/**
 * The one parser of an answers file's text: every field validated, or an UntrustedFileError that
 * names the file, each bad field and the fix.
 */
export function parseAnswers(text: string, path: string): AnswersFile {
  const fix = `restore it as Slipway wrote it (see git log -p -- ${path}), or delete the bad record and re-run the generator that wrote it.`;
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw new UntrustedFileError(`${path} is not valid JSON (${(error as Error).message}); fix or delete it and re-run.`);
  }
  return parseUntrusted(answersSchema, json, path, fix);
}

export function readAnswers(tree: Tree, projectRoot: string): AnswersFile | undefined {
  const path = joinPathFragments(projectRoot, answersFileName);
  const text = tree.read(path, 'utf-8');
  return text === null ? undefined : parseAnswers(text, path);
}

export function readGeneratorRecord(tree: Tree, projectRoot: string, generator: string): GeneratorRecord | undefined {
  const records = readAnswers(tree, projectRoot)?.records ?? {};
  return Object.hasOwn(records, generator) ? records[generator] : undefined;
}

export function writeGeneratorRecord(tree: Tree, projectRoot: string, generator: string, record: GeneratorRecord): void {
  const current = readAnswers(tree, projectRoot) ?? { records: {} };
  const next: AnswersFile = { records: { ...current.records, [generator]: record } };
  const path = joinPathFragments(projectRoot, answersFileName);
  const content = stableJson(next);
  if (tree.read(path, 'utf-8') !== content) tree.write(path, content);
}
