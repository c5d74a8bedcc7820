import { contentHash } from './answers.js';

/**
 * Who owns a managed file: the one rule that generation (applyFiles), the drift check and update
 * all ask. It is decided from three facts: what the template renders, the hash recorded when
 * Slipway last wrote the file, and the file on disk.
 */
export type Ownership =
  /** Not on disk and never written: Slipway's to create. */
  | 'new'
  /** On disk exactly as the template renders it now. */
  | 'in-sync'
  /** On disk as Slipway last wrote it, but the template renders something else now: Slipway's to replace. */
  | 'generated'
  /** Changed by the user since Slipway wrote it. */
  | 'edited'
  /** Slipway wrote it and the user deleted it: it stays deleted, but the check reports it. */
  | 'deleted'
  /** Written once, then the user's (their domain code), edited or not. */
  | 'write-once'
  /** A write-once file the user deleted: theirs to delete. */
  | 'write-once-deleted'
  /** On disk, but Slipway never wrote it: the user's. */
  | 'foreign';

/**
 * How much of a file Slipway owns. `targets`: the file is a project.json, and Slipway owns only the
 * targets it generates, by name; the user's own targets and every other key are theirs.
 */
export type Grain = 'file' | 'targets';

/** A managed file as a template renders it (RenderedFile, without importing the renderer). */
export interface ManagedFile {
  readonly content: string;
  readonly writeOnce: boolean;
  readonly grain?: Grain;
}

/** What generation reports for a file (applyFiles). */
export type FileOutcome = 'created' | 'updated' | 'unchanged' | 'kept-user-edit' | 'kept-existing' | 'kept-user-deletion' | 'write-once';

/** What the drift check reports for a file. */
export type DriftState = 'in-sync' | 'edited' | 'update-available' | 'missing' | 'write-once' | 'deleted' | 'foreign';

/** What update does with a file: write the new render, merge it into the user's copy, remove it, or leave it. */
export type UpdateAction = 'write' | 'merge' | 'remove' | 'keep';

export interface OwnershipRule {
  /** Generation: the outcome (the render is written when it is created or updated). */
  readonly generate: FileOutcome;
  /** Drift check: the state, and whether it fails the check. */
  readonly drift: DriftState;
  readonly drifts: boolean;
  /** Update, when this version still renders the file. */
  readonly update: UpdateAction;
  /** Update, when this version no longer renders the file. */
  readonly updateDropped: UpdateAction;
  /** Why update left the file alone, for its report. */
  readonly keptBecause?: string;
}

/** The contract, one row per ownership (pinned by file-ownership.spec.ts). */
export const OWNERSHIP_RULES: Readonly<Record<Ownership, OwnershipRule>> = {
  new: { generate: 'created', drift: 'missing', drifts: true, update: 'write', updateDropped: 'keep' },
  'in-sync': { generate: 'unchanged', drift: 'in-sync', drifts: false, update: 'keep', updateDropped: 'keep' },
  generated: { generate: 'updated', drift: 'update-available', drifts: true, update: 'write', updateDropped: 'remove' },
  edited: {
    generate: 'kept-user-edit',
    drift: 'edited',
    drifts: true,
    update: 'merge',
    updateDropped: 'keep',
    keptBecause: 'no longer generated, and you changed it: left in place',
  },
  deleted: { generate: 'kept-user-deletion', drift: 'missing', drifts: true, update: 'keep', updateDropped: 'keep', keptBecause: 'you deleted it' },
  'write-once': {
    generate: 'write-once',
    drift: 'write-once',
    drifts: false,
    update: 'keep',
    updateDropped: 'keep',
    keptBecause: 'yours after the first render (write-once)',
  },
  'write-once-deleted': {
    generate: 'kept-user-deletion',
    drift: 'deleted',
    drifts: false,
    update: 'keep',
    updateDropped: 'keep',
    keptBecause: 'you deleted it (write-once)',
  },
  foreign: {
    generate: 'kept-existing',
    drift: 'foreign',
    drifts: true,
    update: 'keep',
    updateDropped: 'keep',
    keptBecause: 'it existed before Slipway generated it',
  },
};

/** Drift states that fail the check. */
export const DRIFTING_STATES: ReadonlySet<DriftState> = new Set(
  Object.values(OWNERSHIP_RULES)
    .filter((r) => r.drifts)
    .map((r) => r.drift),
);

/** The hash an answers record holds for a path (own keys only: the record is repository input). */
export function recordedFor(files: Readonly<Record<string, string>> | undefined, path: string): string | undefined {
  return files && Object.hasOwn(files, path) ? files[path] : undefined;
}

type Targets = Record<string, unknown>;

/** The `targets` of a project.json's text; none when it is not JSON. */
export function targetsOf(json: string): Targets {
  try {
    const parsed = JSON.parse(json) as { targets?: unknown };
    return typeof parsed.targets === 'object' && parsed.targets !== null ? (parsed.targets as Targets) : {};
  } catch {
    return {};
  }
}

/** JSON with keys sorted at every level, so that key order never counts as an edit. */
function canonical(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) =>
    v && typeof v === 'object' && !Array.isArray(v) ? Object.fromEntries(Object.entries(v).sort(([a], [b]) => a.localeCompare(b))) : v,
  );
}

/**
 * The part of `content` Slipway owns, in a form to compare and hash. For a project.json (`targets`
 * grain): the targets the template generates, by name, as they are in `content`; a file that is not
 * JSON owns nothing but its text.
 */
export function ownedPart(template: ManagedFile, content: string): string {
  if (template.grain !== 'targets') return content;
  const names = Object.keys(targetsOf(template.content)).sort();
  const mine = targetsOf(content);
  return canonical({ targets: Object.fromEntries(names.filter((n) => Object.hasOwn(mine, n)).map((n) => [n, mine[n]])) });
}

/** The hash recorded for a file Slipway writes: of the part it owns. */
export function recordedHash(file: ManagedFile): string {
  return contentHash(ownedPart(file, file.content));
}

export interface FileFacts {
  /** The file as the template renders it now, or (when `stillRendered` is false) as it rendered last. */
  readonly template: ManagedFile;
  readonly stillRendered: boolean;
  /** The hash recorded when Slipway last wrote it; undefined when it never did. */
  readonly recorded: string | undefined;
  readonly onDisk: string | null;
}

/** The one ownership rule. */
export function classify({ template, stillRendered, recorded, onDisk }: FileFacts): Ownership {
  if (onDisk === null) {
    if (recorded === undefined) return 'new';
    return template.writeOnce ? 'write-once-deleted' : 'deleted';
  }
  const owned = ownedPart(template, onDisk);
  if (stillRendered && owned === ownedPart(template, template.content)) return 'in-sync';
  if (template.writeOnce) return 'write-once';
  if (recorded === undefined) return 'foreign';
  // A record from before project.json was owned by target holds the whole file's hash.
  return recorded === contentHash(owned) || recorded === contentHash(onDisk) ? 'generated' : 'edited';
}
