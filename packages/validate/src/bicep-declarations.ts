// The declarations the checks read out of a Bicep file: vars, resource and module bodies, resources.
import { stringValue } from './bicep-json.js';
import type { BicepFile, SyntaxNode } from './bicep-tree.js';

export function varsOf(file: BicepFile): Map<string, SyntaxNode> {
  const vars = new Map<string, SyntaxNode>();
  for (const node of file.root.namedChildren.filter((n) => n.type === 'variable_declaration')) {
    const [name, value] = [node.namedChildren.find((c) => c.type === 'identifier'), node.namedChildren[node.namedChildren.length - 1]];
    if (name && value) vars.set(name.text, value);
  }
  return vars;
}

/** The object literal of a resource or module: `= {…}`, `= if (…) {…}`, `= [for …: {…}]`. */
export function bodyOf(declaration: SyntaxNode): SyntaxNode | undefined {
  let node = declaration.namedChildren[declaration.namedChildren.length - 1];
  while (node && node.type !== 'object') {
    if (node.type === 'for_statement' || node.type === 'if_statement' || node.type === 'array') node = node.namedChildren[node.namedChildren.length - 1];
    else return undefined;
  }
  return node;
}

export interface ResourceUse {
  readonly node: SyntaxNode;
  readonly type: string;
  readonly apiVersion: string;
  readonly existing: boolean;
}

export function resourcesOf(file: BicepFile): ResourceUse[] {
  const uses: ResourceUse[] = [];
  const visit = (node: SyntaxNode, parentType: string | undefined, parentVersion: string | undefined): void => {
    if (node.type === 'resource_declaration') {
      const typeString = node.namedChildren[1] ? stringValue(node.namedChildren[1]) : '';
      const [rawType = '', rawVersion] = typeString.split('@');
      const type = parentType && !rawType.includes('/') ? `${parentType}/${rawType}` : rawType;
      const apiVersion = rawVersion ?? parentVersion ?? '';
      uses.push({ node, type, apiVersion, existing: node.children.some((c) => c.type === 'existing') });
      for (const child of node.children) visit(child, type, apiVersion);
      return;
    }
    for (const child of node.children) visit(child, parentType, parentVersion);
  };
  visit(file.root, undefined, undefined);
  return uses;
}
