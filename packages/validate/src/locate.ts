/**
 * The line a problem points at. Most validators report a file and a message, not a line, so: the
 * validator's own line when it gives one; else the first line holding a quoted name from the message
 * (what it refuses, e.g. a typo'd field); else a `line N:` the message starts with; else the first
 * line holding a path-like word (`actions/checkout@main`); else line 1.
 */
export function problemLine(text: string, message: string, known?: number): number {
  if (known !== undefined && known > 0) return known;
  const lines = text.split('\n');
  const find = (needles: readonly string[]): number | undefined => {
    for (const needle of needles) {
      const index = lines.findIndex((line) => line.includes(needle));
      if (index >= 0) return index + 1;
    }
    return undefined;
  };
  // Short quoted words ("main") match too much to point anywhere.
  const quoted = [...message.matchAll(/["'`]([^"'`\n]{5,})["'`]/g)].map((m) => m[1]!);
  const stated = /^line (\d+):/.exec(message)?.[1];
  const words = message
    .split(/\s+/)
    .map((word) => word.replace(/[,.;:)]+$/, ''))
    .filter((word) => /[@/=]/.test(word) && word.length > 3);
  return find(quoted) ?? (stated && Number(stated) <= lines.length ? Number(stated) : undefined) ?? find(words) ?? 1;
}
