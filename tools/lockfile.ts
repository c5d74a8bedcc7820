import { readFileSync, writeFileSync } from 'node:fs';

interface LockEntry {
  version?: string;
  optional?: boolean;
  os?: string[];
  cpu?: string[];
  libc?: string[];
  optionalDependencies?: Record<string, string>;
}

const PLATFORM = /-(darwin|linux|win32|freebsd|android|openbsd|sunos|aix)-(x64|arm64|arm|ia32|ppc64|s390x|riscv64)(?:-(gnu|musl|gnueabihf|msvc))?$/;

/**
 * The npm registry these machines reach lacks some platform packages (nx's darwin, win32, freebsd
 * and musl builds), so the lockfile npm writes here omits them and `npm ci` refuses it as out of
 * sync. A lockfile written against the full registry lists them as optional, platform-restricted
 * entries that npm never fetches elsewhere; this adds the missing ones (a no-op where the registry
 * is complete). Returns the names it added.
 */
export function completePlatformEntries(lockfile: string): string[] {
  const lock = JSON.parse(readFileSync(lockfile, 'utf8')) as { packages: Record<string, LockEntry> };
  const added: string[] = [];
  for (const [path, entry] of Object.entries(lock.packages)) {
    for (const [name, version] of Object.entries(entry.optionalDependencies ?? {})) {
      const nested = `${path ? `${path}/` : ''}node_modules/${name}`;
      if (lock.packages[nested] || lock.packages[`node_modules/${name}`]) continue;
      const platform = PLATFORM.exec(name);
      if (!platform) continue;
      const libc = platform[3] === 'musl' ? ['musl'] : platform[3] === 'gnu' ? ['glibc'] : undefined;
      lock.packages[`node_modules/${name}`] = { version, optional: true, os: [platform[1]!], cpu: [platform[2]!], ...(libc ? { libc } : {}) };
      added.push(name);
    }
  }
  if (added.length > 0) writeFileSync(lockfile, `${JSON.stringify(lock, null, 2)}\n`);
  return added;
}

// `tsx tools/lockfile.ts [package-lock.json]`: complete a lockfile after `npm install` here.
if (process.argv[1] && import.meta.url.endsWith(process.argv[1].split('/').pop()!)) {
  const added = completePlatformEntries(process.argv[2] ?? 'package-lock.json');
  console.log(added.length > 0 ? `added optional platform entries: ${added.join(', ')}` : 'lockfile complete');
}
