import type { ErrorObject } from 'ajv';

function describe(path: string, error: ErrorObject): string {
  const where = `${path}${error.instancePath}` || '/';
  if (error.keyword === 'additionalProperties') return `${where}: unknown key "${String(error.params['additionalProperty'])}"`;
  if (error.keyword === 'enum') return `${where}: must be one of ${(error.params['allowedValues'] as unknown[]).join(', ')}`;
  return `${where}: ${error.message ?? error.keyword}`;
}

/** Errors of one shape, minus what nested `anyOf`s repeat (a `type` miss beside the branch that fits). */
export function readable(path: string, errors: readonly ErrorObject[]): string[] {
  const specific = errors.filter((e) => e.keyword !== 'anyOf' && e.keyword !== 'oneOf');
  const byPath = new Map<string, ErrorObject[]>();
  for (const error of specific) byPath.set(error.instancePath, [...(byPath.get(error.instancePath) ?? []), error]);
  const lines: string[] = [];
  for (const group of byPath.values()) {
    const untyped = group.filter((e) => e.keyword !== 'type');
    const chosen = untyped.length > 0 ? untyped : group;
    // A value failing an anyOf of patterns (true|y|yes|on|false|...) fails each one: say it once.
    const patterns = chosen.filter((e) => e.keyword === 'pattern');
    lines.push(...chosen.filter((e) => e.keyword !== 'pattern').map((e) => describe(path, e)));
    if (patterns.length > 0) lines.push(`${path}${patterns[0]!.instancePath}: must match one of ${patterns.map((e) => String(e.params['pattern'])).join(' ')}`);
  }
  return lines;
}
