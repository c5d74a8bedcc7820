/** A token bucket: `burst` calls at once, refilled at `burst` per `periodMs`. */
export interface RateLimitRule {
  readonly burst: number;
  readonly periodMs: number;
}

/** Per-tool rules; `*` applies to every tool not named (each tool still gets its own bucket). */
export type RateLimits = Readonly<Record<string, RateLimitRule>>;

const UNITS: Readonly<Record<string, number>> = { ms: 1, s: 1_000, m: 60_000, h: 3_600_000 };
const ENTRY = /^([A-Za-z0-9_.\-*]{1,128})=(\d{1,9})\/(\d{0,9})(ms|s|m|h)$/;
export const RATE_LIMITS_EXAMPLE = '*=60/1m,notes.create=5/10s';

export type ParsedRateLimits = { ok: true; value: RateLimits } | { ok: false; message: string };

/** Parses RATE_LIMITS: `tool=burst/period` entries, comma-separated, period in ms, s, m or h. */
export function parseRateLimits(raw: string): ParsedRateLimits {
  const rules: Record<string, RateLimitRule> = {};
  for (const entry of raw.split(',').map((item) => item.trim())) {
    const match = ENTRY.exec(entry);
    if (match === null) {
      return { ok: false, message: `has a bad entry ${JSON.stringify(entry)}: write tool=burst/period, e.g. ${RATE_LIMITS_EXAMPLE}` };
    }
    const [, tool, burst, count, unit] = match as unknown as [string, string, string, string, string];
    if (tool.includes('*') && tool !== '*') return { ok: false, message: `entry ${JSON.stringify(entry)}: * stands alone (the default for every tool)` };
    if (tool in rules) return { ok: false, message: `names ${tool} twice` };
    const periodMs = (count === '' ? 1 : Number(count)) * UNITS[unit]!;
    if (Number(burst) < 1 || periodMs < 1) return { ok: false, message: `entry ${JSON.stringify(entry)}: burst and period must be at least 1` };
    rules[tool] = Object.freeze({ burst: Number(burst), periodMs });
  }
  return { ok: true, value: Object.freeze(rules) };
}

/** The rule for `tool`, or undefined when it is not limited. */
export function ruleFor(limits: RateLimits, tool: string): RateLimitRule | undefined {
  return Object.hasOwn(limits, tool) ? limits[tool] : limits['*'];
}
