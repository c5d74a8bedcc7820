import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative, sep } from 'node:path';
import { joinPathFragments, logger, type Tree } from '@nx/devkit';
import ejs from 'ejs';
import { contentHash, type GeneratorRecord } from './answers.js';
import { templatesRoot } from './package-paths.js';

/** One file of a rendered layer, by its path relative to the project root. */
export interface RenderedFile {
  readonly path: string;
  readonly content: string;
  /** Written once, then owned by the user (their domain code): never touched again. */
  readonly writeOnce: boolean;
}

/**
 * `layer.json` beside a layer's files. Paths ending in `/` match a whole folder.
 * - `writeOnce`: output paths the user owns after the first render.
 * - `when`: template path → name of a boolean template variable; the file is rendered only when it is true.
 */
interface LayerManifest {
  readonly writeOnce?: readonly string[];
  readonly when?: Readonly<Record<string, string>>;
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

/**
 * `src/__dot__gitignore.ejs` → `src/.gitignore`: npm pack drops dotfiles like .gitignore, so templates spell them out.
 * `__name__` in a path takes the string template variable `name` (`__project__-delivery.yml` → `orders-delivery.yml`);
 * a value may hold `/`, and empty or `.` segments drop out (a project at the workspace root).
 */
function outputPath(templatePath: string, vars: Readonly<Record<string, unknown>>): string {
  return templatePath
    .replace(/\.ejs$/, '')
    .split('/')
    .map((segment) =>
      segment.replace(/^__dot__/, '.').replace(/__([A-Za-z][A-Za-z0-9]*)__/g, (match, name: string) => {
        if (name === 'dot') return match;
        const value = vars[name];
        if (typeof value !== 'string') throw new Error(`template path "${templatePath}": "${name}" is not a string template variable`);
        return value;
      }),
    )
    .flatMap((segment) => segment.split('/'))
    .filter((segment) => segment !== '' && segment !== '.')
    .join('/');
}

/**
 * Renders a template layer (`templates/<layer>/`) with the given variables. EJS only
 * substitutes and branches; every decision with a name is made in TypeScript beforehand.
 */
export function renderLayer(layer: string, vars: Readonly<Record<string, unknown>>): RenderedFile[] {
  const layerDir = join(templatesRoot, layer);
  const manifestPath = join(layerDir, MANIFEST);
  const manifest = JSON.parse(readFileSync(manifestPath, 'utf8')) as LayerManifest;
  const when = manifest.when ?? {};
  return listFiles(layerDir)
    .map((file) => relative(layerDir, file).split(sep).join('/'))
    .filter((templatePath) => templatePath !== MANIFEST)
    .filter((templatePath) => {
      const condition = matches(Object.keys(when), templatePath);
      if (condition === undefined) return true;
      const flag = vars[when[condition]!];
      if (typeof flag !== 'boolean') {
        throw new Error(`templates/${layer}/${MANIFEST}: condition "${when[condition]}" is not a boolean template variable`);
      }
      return flag;
    })
    .map((templatePath) => {
      const source = readFileSync(join(layerDir, templatePath), 'utf8');
      const content = templatePath.endsWith('.ejs')
        ? ejs.render(source, { ...vars }, { filename: join(layerDir, templatePath) })
        : source;
      const path = outputPath(templatePath, vars);
      return { path, content, writeOnce: matches(manifest.writeOnce ?? [], path) !== undefined };
    });
}

export type FileOutcome =
  | 'created'
  | 'updated'
  | 'unchanged'
  | 'kept-user-edit'
  | 'kept-existing'
  | 'kept-user-deletion'
  | 'write-once';

export interface ApplyResult {
  /** Path → hash to record: what we wrote, or the earlier record where the user's version won. */
  readonly hashes: Record<string, string>;
  readonly outcomes: ReadonlyArray<{ readonly path: string; readonly outcome: FileOutcome }>;
}

/**
 * The one write path for generated files. A file is written only when it is new, or when the
 * copy on disk is exactly what we generated last time (so the user never touched it). A file the
 * user edited or deleted, or a write-once file that exists, is left alone and reported.
 */
export function applyFiles(
  tree: Tree,
  projectRoot: string,
  files: readonly RenderedFile[],
  previous: GeneratorRecord | undefined,
): ApplyResult {
  const hashes: Record<string, string> = {};
  const outcomes: Array<{ path: string; outcome: FileOutcome }> = [];
  for (const file of files) {
    const target = joinPathFragments(projectRoot, file.path);
    const hash = contentHash(file.content);
    const recorded = previous?.files[file.path];
    const existing = tree.exists(target) ? tree.read(target) : null;
    let outcome: FileOutcome;
    if (existing === null) {
      outcome = recorded ? 'kept-user-deletion' : 'created';
    } else if (existing.equals(Buffer.from(file.content))) {
      outcome = 'unchanged';
    } else if (file.writeOnce) {
      outcome = 'write-once';
    } else if (recorded === undefined) {
      outcome = 'kept-existing';
    } else if (recorded === contentHash(existing)) {
      outcome = 'updated';
    } else {
      outcome = 'kept-user-edit';
    }
    if (outcome === 'created' || outcome === 'updated') tree.write(target, file.content);
    const keepsOld = outcome !== 'created' && outcome !== 'updated' && outcome !== 'unchanged';
    const toRecord = keepsOld ? recorded : hash;
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
