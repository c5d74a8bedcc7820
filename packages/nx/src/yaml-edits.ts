import { logger } from '@nx/devkit';
import { isMap, isPair, isScalar, isSeq, parseDocument, type Node, type Pair, type ParsedNode } from 'yaml';

/** A text splice on the original source: formatting and comments outside it stay byte for byte. */
export interface Splice {
  readonly start: number;
  readonly end: number;
  readonly text: string;
}

export function applySplices(source: string, splices: readonly Splice[]): string {
  let out = source;
  for (const s of [...splices].sort((a, b) => b.start - a.start)) out = out.slice(0, s.start) + s.text + out.slice(s.end);
  return out;
}

/** Parses YAML with the Document API (node ranges into the source); throws on syntax errors. */
export function parseYaml(source: string, file: string) {
  const doc = parseDocument(source, { keepSourceTokens: true });
  if (doc.errors.length > 0) throw new Error(`${file}: ${doc.errors[0]!.message}`);
  return doc;
}

/** For migrations: a file that is not valid YAML is not theirs to fix; it is reported and skipped. */
export function parseYamlOrSkip(source: string, file: string): ReturnType<typeof parseYaml> | undefined {
  try {
    return parseYaml(source, file);
  } catch (error) {
    logger.warn(`Skipped ${file}: ${(error as Error).message}`);
    return undefined;
  }
}

export function mapGet(node: unknown, key: string): ParsedNode | undefined {
  if (!isMap(node)) return undefined;
  const pair = node.items.find((p) => isScalar(p.key) && p.key.value === key);
  return (pair?.value ?? undefined) as ParsedNode | undefined;
}

export function mapPair(node: unknown, key: string): Pair<ParsedNode, ParsedNode | null> | undefined {
  if (!isMap(node)) return undefined;
  return node.items.find((p) => isPair(p) && isScalar(p.key) && p.key.value === key) as Pair<ParsedNode, ParsedNode | null> | undefined;
}

export function mapEntries(node: unknown): Array<[string, ParsedNode]> {
  if (!isMap(node)) return [];
  return node.items.flatMap((p) => (isScalar(p.key) && p.value ? [[String(p.key.value), p.value as ParsedNode]] : []));
}

export function seqItems(node: unknown): ParsedNode[] {
  return isSeq(node) ? (node.items as ParsedNode[]) : [];
}

/** Replaces a scalar's source text (its quotes included) with a plain value. */
export function replaceScalar(node: Node, value: string): Splice {
  const [start, end] = (node as ParsedNode).range;
  return { start, end, text: value };
}

/** The start of the line holding `offset`. */
export function lineStart(source: string, offset: number): number {
  return source.lastIndexOf('\n', offset - 1) + 1;
}

/** The offset just past the end of the line holding `offset` (its newline included). */
export function lineEnd(source: string, offset: number): number {
  const nl = source.indexOf('\n', offset);
  return nl === -1 ? source.length : nl + 1;
}

/** Removes a `key: value` pair, whole lines, keeping the rest of the file as it was. */
export function removePair(source: string, pair: Pair<ParsedNode, ParsedNode | null>): Splice {
  const start = lineStart(source, pair.key.range[0]);
  const valueEnd = pair.value?.range?.[1] ?? pair.key.range[1];
  return { start, end: lineEnd(source, Math.max(valueEnd - 1, pair.key.range[1])), text: '' };
}
