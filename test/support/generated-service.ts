import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/** Tools a user adds to a generated service: a file in src/capabilities/ and its entry in createCapabilities. */
export interface AddedTools {
  /** The new file's name under src/capabilities/, e.g. `price-quote.ts`. */
  readonly file: string;
  readonly source: string;
  /** What src/capabilities/index.ts imports from it, e.g. `['priceQuoteTool']`. */
  readonly imports: readonly string[];
  /** What joins the `tools: [...]` list, e.g. `priceQuoteTool` or `...replicaTools(db)`. */
  readonly tools: string;
}

// The template's src/capabilities/index.ts: relative imports, then `tools: [...]` in createCapabilities.
const LAST_LOCAL_IMPORT = /^import .+ from '\.\/[\w-]+\.js';$(?![\s\S]*^import )/m;
const TOOLS_LIST = /^(\s*tools: \[)(.*)\],$/m;

/**
 * Adds tools to a generated service the way a user does, editing src/capabilities/index.ts by its
 * shape; throws, naming the file, when the template no longer has that shape.
 */
export function addTools(service: string, added: AddedTools): void {
  writeFileSync(join(service, 'src/capabilities', added.file), added.source);
  const indexFile = join(service, 'src/capabilities/index.ts');
  const index = readFileSync(indexFile, 'utf8');
  if (!LAST_LOCAL_IMPORT.test(index) || !TOOLS_LIST.test(index)) {
    throw new Error(`${indexFile} has no local import or no single-line \`tools: [...]\` list to add ${added.file} to; the template changed:\n${index}`);
  }
  const module = `./${added.file.replace(/\.ts$/, '.js')}`;
  writeFileSync(
    indexFile,
    index
      .replace(LAST_LOCAL_IMPORT, (line) => `${line}\nimport { ${added.imports.join(', ')} } from '${module}';`)
      .replace(TOOLS_LIST, (_, start: string, list: string) => `${start}${list}, ${added.tools}],`),
  );
}
