// Parsing Bicep with tree-sitter, and the tree facts every other check reads.
import { createRequire } from 'node:module';
import type { ValidationProblem } from './types.js';

// tree-sitter and its Bicep grammar are native CommonJS modules.
const require = createRequire(import.meta.url);

export interface SyntaxNode {
  readonly type: string;
  readonly text: string;
  readonly isNamed: boolean;
  readonly isMissing: boolean;
  readonly startPosition: { row: number; column: number };
  readonly startIndex: number;
  readonly endIndex: number;
  readonly previousNamedSibling: SyntaxNode | null;
  readonly children: SyntaxNode[];
  readonly namedChildren: SyntaxNode[];
  readonly parent: SyntaxNode | null;
}

interface Parser {
  parse(text: string): { rootNode: SyntaxNode };
}

let parser: Parser | undefined;

function bicepParser(): Parser {
  if (!parser) {
    const TreeSitter = require('tree-sitter') as new () => Parser & { setLanguage(language: unknown): void };
    const instance = new TreeSitter();
    instance.setLanguage(require('tree-sitter-bicep'));
    parser = instance;
  }
  return parser;
}

export const at = (node: SyntaxNode): string => `line ${node.startPosition.row + 1}`;

// The bindings hand out a new wrapper object per access, so nodes are compared by their span.
export const same = (a: SyntaxNode | null | undefined, b: SyntaxNode): boolean =>
  a !== null && a !== undefined && a.startIndex === b.startIndex && a.endIndex === b.endIndex && a.type === b.type;

export function walk(node: SyntaxNode, visit: (node: SyntaxNode) => void): void {
  visit(node);
  for (const child of node.children) walk(child, visit);
}

/** Symbols a Bicep file declares, and facts the checks need. */
export interface BicepFile {
  readonly path: string;
  readonly root: SyntaxNode;
  readonly params: Map<string, { node: SyntaxNode; secure: boolean; hasDefault: boolean }>;
  readonly declared: Set<string>;
}

export const DECLARATIONS = new Set([
  'parameter_declaration',
  'variable_declaration',
  'resource_declaration',
  'module_declaration',
  'output_declaration',
  'type_declaration',
  'user_defined_function',
  'metadata_declaration',
]);

function decoratorsOf(node: SyntaxNode): string[] {
  const previous = node.previousNamedSibling;
  if (previous?.type !== 'decorators') return [];
  return previous.namedChildren.map((d) => d.namedChildren[0]?.namedChildren[0]?.text ?? d.text);
}

export function parseBicepFile(path: string, text: string): BicepFile {
  const root = bicepParser().parse(text).rootNode;
  const params = new Map<string, { node: SyntaxNode; secure: boolean; hasDefault: boolean }>();
  const declared = new Set<string>();
  walk(root, (node) => {
    if (!DECLARATIONS.has(node.type)) return;
    const name = node.namedChildren.find((c) => c.type === 'identifier');
    if (!name) return;
    declared.add(name.text);
    if (node.type === 'parameter_declaration') {
      const hasDefault = node.children.some((c) => c.type === '=');
      params.set(name.text, { node, secure: decoratorsOf(node).includes('secure'), hasDefault });
    }
  });
  for (const child of root.namedChildren) {
    // `import { a, b } from 'x.bicep'` and `import * as ns from 'x.bicep'` declare symbols too.
    if (child.type === 'import_statement' || child.type === 'import_with_statement' || child.type === 'import_functionality') {
      walk(child, (n) => {
        if (n.type === 'identifier') declared.add(n.text);
      });
    }
  }
  return { path, root, params, declared };
}

/** tree-sitter's ERROR and MISSING nodes; the other checks would only repeat what these say. */
export function syntaxProblems(file: BicepFile): ValidationProblem[] {
  const problems: ValidationProblem[] = [];
  walk(file.root, (node) => {
    if (node.type === 'ERROR') problems.push({ file: file.path, message: `${at(node)}: syntax error near "${node.text.slice(0, 40).split('\n')[0]}"` });
    else if (node.isMissing) problems.push({ file: file.path, message: `${at(node)}: syntax error: missing ${node.type}` });
  });
  return problems;
}
