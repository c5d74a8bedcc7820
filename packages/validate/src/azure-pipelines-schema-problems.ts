import { type Branch, loadSchema, validatorFor } from './azure-pipelines-schema.js';
import { readable } from './azure-pipelines-schema-errors.js';
import { isObject, oneOrMany } from './json-shapes.js';

// Readable schema errors. Steps, jobs and stages are each an `anyOf` of many shapes (one per task),
// and ajv reports every shape's failure. So each node is checked on its own, against the one shape
// the YAML means: the one whose first property it has (`script`, `deployment`), or for a task, the
// one whose name matches `task:`. Stages and jobs are checked with their children emptied.

const JSON_TYPE = (value: unknown): string => (Array.isArray(value) ? 'array' : value === null ? 'null' : typeof value);

function resolve(definitions: Readonly<Record<string, Branch>>, branch: Branch): Branch {
  return branch.$ref ? (definitions[branch.$ref.replace('#/definitions/', '')] ?? branch) : branch;
}

/** Whether a shape is the one meant for this value: by type, first property and task name. */
function claims(definitions: Readonly<Record<string, Branch>>, raw: Branch, value: unknown): boolean {
  const branch = resolve(definitions, raw);
  if (branch.anyOf) return branch.anyOf.some((b) => claims(definitions, b, value));
  if (branch.type && branch.type !== JSON_TYPE(value)) return false;
  const first = branch.firstProperty?.[0];
  if (first !== undefined && !(isObject(value) && first in value)) return false;
  const taskPattern = isObject(branch.properties?.['task']) ? branch.properties['task']['pattern'] : undefined;
  if (typeof taskPattern === 'string') return isObject(value) && new RegExp(taskPattern, 'i').test(String(value['task']));
  return true;
}

function kinds(definitions: Readonly<Record<string, Branch>>, definition: string): string {
  const options = (definitions[definition]?.anyOf ?? []).flatMap((b) => resolve(definitions, b).firstProperty ?? []);
  return [...new Set(options)].join(', ');
}

/** Checks a node against the shape of `definition` it means, reporting paths from the document root. */
function checkNode(definition: string, value: unknown, path: string): string[] {
  const { definitions } = loadSchema();
  let pointer = `#/definitions/${definition}`;
  const branches = definitions[definition]?.anyOf;
  if (branches) {
    if (definition === 'step' && isObject(value) && typeof value['task'] === 'string') {
      const tasks = definitions['task']?.anyOf ?? [];
      const index = tasks.findIndex((b) => claims(definitions, b, value));
      if (index < 0) return [`${path}: unknown task "${value['task']}" (not in the schema's task list)`];
      pointer = `#/definitions/task/anyOf/${index}`;
    } else {
      const index = branches.findIndex((b) => claims(definitions, b, value));
      if (index < 0) return [`${path || '/'}: not a valid ${definition} (expected one of: ${kinds(definitions, definition)})`];
      pointer = `${pointer}/anyOf/${index}`;
    }
  }
  const validate = validatorFor(pointer);
  return validate(value) ? [] : readable(path, validate.errors ?? []);
}

/** A deep copy with the listed child collections emptied, to check a node's own keys. */
function withoutChildren(value: unknown, keys: readonly string[]): unknown {
  if (Array.isArray(value)) return value.map((item) => withoutChildren(item, keys));
  if (!isObject(value)) return value;
  return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, keys.includes(k) && Array.isArray(v) ? [] : withoutChildren(v, keys)]));
}

/** Every array under one of `keys`, with its JSON pointer. */
function collections(node: unknown, key: string, path: string, out: Array<{ path: string; items: unknown[] }>): void {
  if (Array.isArray(node)) return node.forEach((item, index) => collections(item, key, `${path}/${index}`, out));
  if (!isObject(node)) return;
  for (const [k, v] of Object.entries(node)) {
    if (k === key && Array.isArray(v)) out.push({ path: `${path}/${k}`, items: v });
    collections(v, key, `${path}/${k}`, out);
  }
}

/** The pipeline against Microsoft's schema, each error said once against the shape the YAML means. */
export function schemaProblems(doc: unknown): string[] {
  const whole = validatorFor('');
  if (whole(structuredClone(doc))) return [];
  const problems: string[] = [];
  const copy = structuredClone(doc);
  const steps: Array<{ path: string; items: unknown[] }> = [];
  collections(copy, 'steps', '', steps);
  for (const { path, items } of steps) items.forEach((step, index) => problems.push(...checkNode('step', step, `${path}/${index}`)));
  const jobs: Array<{ path: string; items: unknown[] }> = [];
  collections(copy, 'jobs', '', jobs);
  for (const { path, items } of jobs) items.forEach((job, index) => problems.push(...checkNode('job', withoutChildren(job, ['steps']), `${path}/${index}`)));
  if (isObject(copy)) {
    oneOrMany(copy['stages']).forEach((stage, index) => problems.push(...checkNode('stage', withoutChildren(stage, ['jobs', 'steps']), `/stages/${index}`)));
    problems.push(...checkNode('pipeline', withoutChildren(copy, ['stages', 'jobs', 'steps']), ''));
  } else {
    problems.push('/: a pipeline must be a mapping (stages:, jobs: or steps:)');
  }
  const unique = [...new Set(problems)];
  return unique.length > 0 ? unique : readable('', (whole.errors ?? []).slice(0, 1));
}
