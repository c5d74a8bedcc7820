import { ConfigError } from '../config.js';
import { parseHostEntry, parseOriginEntry, type Parsed } from './allowlists.js';

export interface Allowlists {
  hosts: string[];
  /** undefined: the loopback defaults, which depend on the bound port. */
  origins: string[] | undefined;
}

function canonical(name: string, entries: readonly string[], parse: (entry: string) => Parsed<string>): string[] {
  return entries.map((entry) => {
    const parsed = parse(entry);
    if (!parsed.ok) throw new ConfigError(`Invalid configuration: ${name} ${parsed.message}`, [name]);
    return parsed.value;
  });
}

/**
 * Re-checks what parseConfig checks, for configs built in code: an old-style hostname in
 * ALLOWED_ORIGINS would otherwise never match, and an empty ALLOWED_HOSTS would refuse every call.
 */
export function resolveAllowlists(config: { ALLOWED_HOSTS: readonly string[]; ALLOWED_ORIGINS?: readonly string[] | undefined }): Allowlists {
  if (config.ALLOWED_HOSTS.length === 0) {
    const message = 'Invalid configuration: ALLOWED_HOSTS is empty, so every /mcp call would be refused: list the host names clients use';
    throw new ConfigError(message, ['ALLOWED_HOSTS']);
  }
  return {
    hosts: canonical('ALLOWED_HOSTS', config.ALLOWED_HOSTS, parseHostEntry),
    // An explicit [] in code means no browser origin at all (env cannot express it: blank is an error).
    origins: config.ALLOWED_ORIGINS === undefined ? undefined : canonical('ALLOWED_ORIGINS', config.ALLOWED_ORIGINS, parseOriginEntry),
  };
}
