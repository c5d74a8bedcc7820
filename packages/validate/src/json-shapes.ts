// The shapes of parsed YAML and JSON that the validators walk.
export type Json = Record<string, unknown>;

export const isObject = (value: unknown): value is Json => typeof value === 'object' && value !== null && !Array.isArray(value);

/** A list's items; anything else (missing, a scalar, a mapping) has none. */
export const arrayOrEmpty = (value: unknown): unknown[] => (Array.isArray(value) ? value : []);

/** A list's items, where YAML lets one value stand for a list of one (`dependsOn: build`, `needs: build`). */
export const oneOrMany = (value: unknown): unknown[] => (Array.isArray(value) ? value : value === undefined ? [] : [value]);
