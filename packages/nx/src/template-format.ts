/**
 * How a value is written into each format the templates produce. The render core renders raw (`<%-`)
 * and passes these helpers to every template, so escaping follows the file's format, not HTML.
 * Measured against writing the YAML with yaml.stringify of objects (k8s, compose, github and
 * azure-pipelines layers, 22 files), both take 12-31 ms a render; but stringify drops all 195 comment
 * lines and rewrites 80 more, so templates + yaml() it is: only values YAML would misread change.
 */
import { stringify } from 'yaml';
import { isYamlSpecial } from './names.js';

/** `.` (a build context) matches YAML 1.1's float pattern on paper, but no reader (PyYAML, go-yaml) takes it for a number. */
const ONLY_DOTS = /^\.+$/;

/**
 * A YAML scalar that reads back as the same value under YAML 1.2 and 1.1 (kustomize, Compose, GitHub
 * and Azure DevOps all parse YAML): `orders` stays plain, `1234`, `true`, `yes`, `on`, `0x1f`, `1e5`, `~`
 * and strings with `: ` or ` #` are quoted. Always one line, so it fits a flow sequence or a block
 * scalar's nested YAML.
 */
export function yaml(value: string | number | boolean): string {
  const text = stringify(value, { lineWidth: 0 }).trimEnd();
  // The library quotes what YAML 1.2 misreads; left plain, a value may still be a YAML 1.1 word (`yes`, `on`).
  const quote = typeof value === 'string' && (value.includes('\n') || (text === value && !ONLY_DOTS.test(value) && isYamlSpecial(value)));
  return quote ? stringify(value, { lineWidth: 0, defaultStringType: 'QUOTE_DOUBLE' }).trimEnd() : text;
}

/** A JSON value (ARM parameter files); a JSON string is also a double-quoted YAML scalar. */
export function json(value: unknown): string {
  return JSON.stringify(value);
}

/** A Bicep string literal: single-quoted, with `\`, `'` and `${` (interpolation) escaped. */
export function bicepString(value: string | number): string {
  return `'${String(value).replace(/\\/g, '\\\\').replace(/'/g, "\\'").replace(/\$\{/g, '\\${').replace(/\r/g, '\\r').replace(/\n/g, '\\n').replace(/\t/g, '\\t')}'`;
}

/** One POSIX shell word: single-quoted, a `'` written as `'\''`. */
export function shellQuote(value: string): string {
  return `'${value.replace(/'/g, "'\\''")}'`;
}

/** What every template sees beside its variables. */
export const templateFormats = { yaml, json, bicepString, shellQuote } as const;
