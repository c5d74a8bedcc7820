import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative, sep } from 'node:path';
import { dirname } from 'node:path/posix';
import { joinPathFragments, logger, updateProjectConfiguration, type Tree } from '@nx/devkit';
import type { GeneratorRecord } from './answers.js';
import { classify, OWNERSHIP_RULES, recordedFor, recordedHash, type FileOutcome, type Grain } from './file-ownership.js';
import { templatesRoot } from './package-paths.js';
import { projects } from './projects.js';
import { outputPath, templateInstances } from './template-paths.js';
import { renderTemplate } from './template-render.js';

/** One file of a rendered layer, by its path relative to the project root. */
export interface RenderedFile {
  readonly path: string;
  readonly content: string;
  /** Written once, then owned by the user (their domain code): never touched again. */
  readonly writeOnce: boolean;
  /** How much of the file Slipway owns (default: all of it); see file-ownership.ts. */
  readonly grain?: Grain;
}

/**
 * `layer.json` beside a layer's files. Paths ending in `/` match a whole folder.
 * - `writeOnce`: output paths the user owns after the first render.
 * - `when`: template path → name of a boolean template variable; the file is rendered only when it is true.
 * - `omits`: for a layer rendered on top of others (renderLayers), output paths of the layers below
 *   that this one leaves out.
 * - `each`: path variable → name of a list template variable; a template whose path holds
 *   `__<variable>__` is rendered once per item (template-paths.ts).
 */
interface LayerManifest {
  readonly writeOnce?: readonly string[];
  readonly when?: Readonly<Record<string, string>>;
  readonly omits?: readonly string[];
  readonly each?: Readonly<Record<string, string>>;
}

const MANIFEST = 'layer.json';

function matches(patterns: readonly string[], path: string): string | undefined {
  return patterns.find((p) => (p.endsWith('/') ? path.startsWith(p) : path === p));
}

function listFiles(dir: string): string[] {
  return readdirSync(dir)
    .sort()
    .flatMap((entry) => {
      const full = join(dir, entry);
      return statSync(full).isDirectory() ? listFiles(full) : [full];
    });
}

/** Where a layer's templates come from: this package's templates/, or a team's folder in the workspace. */
export interface TemplateSource {
  /** For messages, e.g. `templates/server` or `tools/slipway/templates/server`. */
  readonly label: string;
  /** Template paths relative to the layer folder, sorted, `layer.json` included when present. */
  readonly paths: () => string[];
  readonly read: (path: string) => string;
  /** Absolute file name of a template, against which EJS resolves `include()`. */
  readonly filename: (path: string) => string;
}

/** A layer shipped with this package, read from disk. */
export function packagedLayer(layer: string): TemplateSource {
  const dir = join(templatesRoot, layer);
  return {
    label: `templates/${layer}`,
    paths: () => listFiles(dir).map((file) => relative(dir, file).split(sep).join('/')),
    read: (path) => readFileSync(join(dir, path), 'utf8'),
    filename: (path) => join(dir, path),
  };
}

/** A layer kept in the workspace (a team layer), read through the Tree; undefined when the folder is absent. */
export function workspaceLayer(tree: Tree, dir: string): TemplateSource | undefined {
  if (!tree.exists(dir) || tree.isFile(dir)) return undefined;
  const walk = (rel: string): string[] =>
    tree
      .children(rel ? `${dir}/${rel}` : dir)
      .sort()
      .flatMap((child) => {
        const path = rel ? `${rel}/${child}` : child;
        return tree.isFile(`${dir}/${path}`) ? [path] : walk(path);
      });
  return {
    label: dir,
    paths: () => walk(''),
    read: (path) => tree.read(`${dir}/${path}`, 'utf-8') ?? '',
    filename: (path) => join(tree.root, dir, path),
  };
}

function manifestOf(source: TemplateSource, paths: readonly string[]): LayerManifest {
  return paths.includes(MANIFEST) ? (JSON.parse(source.read(MANIFEST)) as LayerManifest) : {};
}

/**
 * Renders one layer with the given variables. EJS only substitutes and branches; every decision
 * with a name is made in TypeScript beforehand.
 */
function renderSource(source: TemplateSource, vars: Readonly<Record<string, unknown>>): { manifest: LayerManifest; files: RenderedFile[] } {
  const paths = source.paths();
  const manifest = manifestOf(source, paths);
  const when = manifest.when ?? {};
  const files = paths
    .filter((templatePath) => templatePath !== MANIFEST)
    .filter((templatePath) => {
      const condition = matches(Object.keys(when), templatePath);
      if (condition === undefined) return true;
      const flag = vars[when[condition]!];
      if (typeof flag !== 'boolean') {
        throw new Error(`${source.label}/${MANIFEST}: condition "${when[condition]}" is not a boolean template variable`);
      }
      return flag;
    })
    .flatMap((templatePath) =>
      templateInstances(templatePath, manifest.each ?? {}, vars, source.label).map((instance) => {
        const text = source.read(templatePath);
        const content = templatePath.endsWith('.ejs') ? renderTemplate(text, instance, source.filename(templatePath), `${source.label}/${templatePath}`) : text;
        const path = outputPath(templatePath, instance);
        return { path, content, writeOnce: matches(manifest.writeOnce ?? [], path) !== undefined };
      }),
    );
  return { manifest, files };
}

/** Renders a layer shipped with this package (`templates/<layer>/`). */
export function renderLayer(layer: string, vars: Readonly<Record<string, unknown>>): RenderedFile[] {
  return renderSource(packagedLayer(layer), vars).files;
}

/**
 * Renders layers bottom-up into one set of files: a later layer's file replaces an earlier one
 * with the same output path, and its `omits` drop earlier files. A path any layer marks
 * write-once stays write-once. Paths keep the order in which they first appear, so the result
 * (and a re-run) is deterministic.
 */
export function overlay(stack: readonly TemplateSource[], vars: Readonly<Record<string, unknown>>): RenderedFile[] {
  const byPath = new Map<string, RenderedFile>();
  const writeOnce: string[] = [];
  for (const source of stack) {
    const { manifest, files } = renderSource(source, vars);
    for (const path of [...byPath.keys()]) if (matches(manifest.omits ?? [], path) !== undefined) byPath.delete(path);
    for (const file of files) byPath.set(file.path, file);
    writeOnce.push(...(manifest.writeOnce ?? []));
  }
  return [...byPath.values()].map((f) => (f.writeOnce || matches(writeOnce, f.path) === undefined ? f : { ...f, writeOnce: true }));
}

/** Layers shipped with this package, rendered bottom-up (see overlay). */
export function renderLayers(layers: readonly string[], vars: Readonly<Record<string, unknown>>): RenderedFile[] {
  return overlay(layers.map(packagedLayer), vars);
}

export type { FileOutcome } from './file-ownership.js';

export interface ApplyResult {
  /** Path → hash to record: what we wrote, or the earlier record where the user's version won. */
  readonly hashes: Record<string, string>;
  readonly outcomes: ReadonlyArray<{ readonly path: string; readonly outcome: FileOutcome }>;
}

/**
 * The one writer of managed files, used by generation and update: writes `content` (or deletes the
 * file for null) when it differs from the file on disk. Of a project.json Slipway owns only its
 * targets (`targets` grain), so an existing one gets them merged in by name, and the user's own
 * targets and keys stay.
 */
export function writeManagedFile(tree: Tree, target: string, content: string | null, grain: Grain = 'file'): void {
  const onDisk = tree.read(target, 'utf-8');
  if (content === onDisk) return;
  if (content === null) return tree.delete(target);
  if (grain === 'targets' && onDisk !== null) return mergeTargets(tree, dirname(target), content);
  tree.write(target, content);
}

function mergeTargets(tree: Tree, root: string, content: string): void {
  const entry = [...projects(tree)].find(([, project]) => project.root === root);
  if (!entry) throw new Error(`${root}/project.json: no Nx project has this root, so its targets cannot be merged`);
  const [name, project] = entry;
  const ours = (JSON.parse(content) as { targets?: Record<string, unknown> }).targets ?? {};
  // Sorted, so that a re-run writes the same file byte for byte.
  const targets = Object.fromEntries(Object.entries({ ...project.targets, ...ours }).sort(([a], [b]) => a.localeCompare(b)));
  updateProjectConfiguration(tree, name, { ...project, targets } as typeof project);
}

/**
 * Generation's use of the one writer: a file is written when it is new, or when the copy on disk
 * is what we generated last time (the user never touched it); everything else is left alone and
 * reported. Who owns which file is decided by file-ownership.ts.
 */
export function applyFiles(tree: Tree, projectRoot: string, files: readonly RenderedFile[], previous: GeneratorRecord | undefined): ApplyResult {
  const hashes: Record<string, string> = {};
  const outcomes: Array<{ path: string; outcome: FileOutcome }> = [];
  for (const file of files) {
    const target = joinPathFragments(projectRoot, file.path);
    const recorded = recordedFor(previous?.files, file.path);
    const ownership = classify({ template: file, stillRendered: true, recorded, onDisk: tree.read(target, 'utf-8') });
    const outcome = OWNERSHIP_RULES[ownership].generate;
    const writes = outcome === 'created' || outcome === 'updated';
    if (writes) writeManagedFile(tree, target, file.content, file.grain);
    const toRecord = writes || outcome === 'unchanged' ? recordedHash(file) : recorded;
    if (toRecord !== undefined) hashes[file.path] = toRecord;
    outcomes.push({ path: file.path, outcome });
  }
  return { hashes, outcomes };
}

const KEPT_MESSAGES: Partial<Record<FileOutcome, (target: string) => string>> = {
  'kept-user-edit': (t) => `SKIP ${t}: you changed it since Slipway generated it, so it was left as is.`,
  'kept-existing': (t) =>
    `CONFLICT ${t}: it already exists and Slipway did not write it, so it was left as is. ` +
    `To take Slipway's version, move yours aside and run the generator again, then merge what you need back.`,
  'kept-user-deletion': (t) => `SKIP ${t}: you deleted it, so it stays deleted.`,
};

/** Tells the user about every file we deliberately did not write, and how to take ours. */
export function reportKeptFiles(base: string, result: ApplyResult): void {
  for (const { path, outcome } of result.outcomes) {
    const message = KEPT_MESSAGES[outcome]?.(joinPathFragments(base, path));
    if (message) logger.warn(message);
  }
}
