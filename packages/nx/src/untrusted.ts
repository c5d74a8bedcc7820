import parseSemver from 'semver/functions/parse.js';
import { z } from 'zod';

/**
 * Checks for the repository files Slipway reads back (the answers record, team layers). A pull
 * request can change them, so nothing they hold may reach a path, an npm spec or an import
 * unvalidated: `"version": "../../x"` once made `update` run a planted script.
 */

/** A repository file failed validation; the message names the file, the field and the fix. */
export class UntrustedFileError extends Error {
  override name = 'UntrustedFileError';
}

/**
 * An exact Semantic Versioning 2.0.0 version, as `semver` parses it (its strict mode: no ranges,
 * tags, paths or URLs, no part above Number.MAX_SAFE_INTEGER, at most 256 characters), written
 * exactly as semver prints it back: its parser also takes a leading "v" and surrounding spaces.
 */
export function isExactVersion(value: string): boolean {
  const parsed = parseSemver(value);
  if (parsed === null) return false;
  return value === (parsed.build.length > 0 ? `${parsed.version}+${parsed.build.join('.')}` : parsed.version);
}

export const exactVersion = z.string().refine(isExactVersion, { message: 'must be an exact version such as 1.4.2 (no ranges, tags, paths or URLs)' });

/**
 * Why a path is not a normalized path relative to the workspace, or undefined when it is:
 * forward slashes only, no empty, "." or ".." segment, not absolute, no control characters.
 */
export function relativePathProblem(path: string, allowEmpty = false): string | undefined {
  if (path === '') return allowEmpty ? undefined : 'must not be empty';
  if (path.length > 1024) return 'is too long';
  // eslint-disable-next-line no-control-regex -- control characters are exactly what this refuses.
  if (/[\u0000-\u001f\u007f]/.test(path)) return 'must not contain control characters';
  if (path.includes('\\')) return 'must use forward slashes';
  if (path.startsWith('/') || /^[A-Za-z]:/.test(path)) return 'must be relative to the workspace, not absolute';
  const segments = path.split('/');
  if (segments.includes('..')) return 'must stay inside the workspace (no "..")';
  if (segments.some((s) => s === '' || s === '.')) return 'must be normalized (no "//", "./" or trailing "/")';
  return undefined;
}

const pathSchema = (allowEmpty: boolean, example: string) =>
  z.string().superRefine((path, ctx) => {
    const problem = relativePathProblem(path, allowEmpty);
    if (problem) ctx.addIssue({ code: 'custom', message: `${problem}; expected a path such as ${example}` });
  });

/** A file path inside the workspace, e.g. src/main.ts. */
export const workspacePath = pathSchema(false, 'src/main.ts');
/** Like workspacePath, but "" (the workspace root) is allowed. */
export const workspaceBase = pathSchema(true, '"" or apps/orders');

/** A team layer folder: also limited to the characters the preset accepts for it. */
export const layerFolder = pathSchema(false, 'tools/slipway').refine((path) => /^[A-Za-z0-9._/-]+$/.test(path), {
  message: 'may contain only letters, digits, ".", "_", "-" and "/"',
  // Only when the path is otherwise sound: one message per problem.
  when: (payload) => payload.issues.length === 0,
});

/** A team layer's name, shown in messages: printable. A folder is the default name, so every folder is a valid name. */
export const layerName = z
  .string()
  .regex(/^[A-Za-z0-9@._/-][A-Za-z0-9@._/ -]{0,1023}$/, { message: 'must be letters, digits, "@", ".", "_", "/", "-" or spaces, not starting with a space' });

export const sha256Hash = z.string().regex(/^sha256:[0-9a-f]{64}$/, { message: 'must be a content hash, "sha256:" and 64 lowercase hex digits' });

/** A plain JSON object: what options and defaults are. (zod drops `__proto__` keys, so none sets a prototype.) */
export const jsonObject = z.record(z.string(), z.json(), { message: 'must be a JSON object, e.g. { "name": "orders" }' });

/** `records["@slipway/nx:docker"].files["src/a.ts"]`, as a reader would look the field up. */
export function jsonPath(path: readonly PropertyKey[]): string {
  if (path.length === 0) return '(the whole file)';
  return path
    .map((key, i) => {
      if (typeof key === 'number') return `[${key}]`;
      const name = String(key);
      if (/^[A-Za-z_$][\w$]*$/.test(name)) return i === 0 ? name : `.${name}`;
      return `[${JSON.stringify(name)}]`;
    })
    .join('');
}

function valueAt(value: unknown, path: readonly PropertyKey[]): unknown {
  let current = value;
  for (const key of path) {
    if (current === null || typeof current !== 'object' || !Object.hasOwn(current, key)) return undefined;
    current = (current as Record<PropertyKey, unknown>)[key];
  }
  return current;
}

function shown(value: unknown): string {
  const text = JSON.stringify(value) ?? String(value);
  return text.length > 80 ? `${text.slice(0, 77)}...` : text;
}

/**
 * Parses a repository file's JSON content with a schema, or throws an UntrustedFileError that
 * lists every bad field by JSON path, what was found, and how to fix the file. `at` is where
 * `value` sits in the file, when it is only part of it.
 */
export function parseUntrusted<S extends z.ZodType>(schema: S, value: unknown, file: string, fix: string, at: readonly PropertyKey[] = []): z.output<S> {
  const result = schema.safeParse(value);
  if (result.success) return result.data;
  const lines = result.error.issues.flatMap((issue) => {
    const where = jsonPath([...at, ...issue.path]);
    if (issue.code === 'invalid_key') {
      const key = String(issue.path[issue.path.length - 1]);
      return issue.issues.map((inner) => `  ${where}: the key ${shown(key)} ${inner.message}`);
    }
    if (issue.code === 'unrecognized_keys') return [`  ${where}: unknown field(s) ${issue.keys.map((k) => shown(k)).join(', ')}; remove them`];
    const found = valueAt(value, issue.path);
    return [`  ${where}: ${issue.message}${found === undefined ? '' : `; found ${shown(found)}`}`];
  });
  throw new UntrustedFileError(`${file} is not valid; Slipway refused it before rendering, loading or installing anything.\n${lines.join('\n')}\nFix: ${fix}`);
}
