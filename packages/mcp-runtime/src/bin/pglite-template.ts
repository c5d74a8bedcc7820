#!/usr/bin/env node
// `slipway-pglite-template <file> [--extension vector]`: run at build time by services on PGlite, so
// that a new data directory is unpacked from the template instead of spending seconds in initdb.
import { parseArgs } from 'node:util';
import { createPgliteTemplate } from '../database/open.js';
import type { DatabaseExtension } from '../database/types.js';

const { values, positionals } = parseArgs({ allowPositionals: true, options: { extension: { type: 'string', multiple: true } } });
const [file] = positionals;
if (!file) {
  console.error('usage: slipway-pglite-template <file> [--extension vector]');
  process.exit(2);
}
const known: readonly DatabaseExtension[] = ['vector'];
const extensions = values.extension ?? [];
const unknown = extensions.filter((e) => !(known as readonly string[]).includes(e));
if (unknown.length > 0) {
  console.error(`--extension: unknown ${unknown.join(', ')}; known: ${known.join(', ')}`);
  process.exit(2);
}
await createPgliteTemplate(file, extensions as DatabaseExtension[]);
