// Every symbol a Bicep file references is declared (or is a built-in).
import { type BicepFile, DECLARATIONS, type SyntaxNode, at, same, walk } from './bicep-tree.js';
import type { ValidationProblem } from './types.js';

/** Bicep's built-in functions (sys and az namespaces), which need no declaration. */
const BUILTIN_FUNCTIONS = new Set(
  (
    'any array base64 base64ToJson base64ToString bool buildUri cidrHost cidrSubnet coalesce concat contains dataUri ' +
    'dataUriToString dateTimeAdd dateTimeFromEpoch dateTimeToEpoch deployer deployment empty endsWith environment ' +
    'extensionResourceId externalInput fail filter first flatten format getSecret groupBy guid indexOf int intersection ' +
    'items join json last lastIndexOf length loadDirectoryFileInfo loadFileAsBase64 loadJsonContent loadTextContent ' +
    'loadYamlContent managementGroup managementGroupResourceId map mapValues max min newGuid objectKeys padLeft parseCidr ' +
    'parseUri pickZones providers range readEnvironmentVariable reduce reference replace resourceGroup resourceId ' +
    'shallowMerge skip sort split startsWith string subscription subscriptionResourceId substring take tenant ' +
    'tenantResourceId toLogicalZone toLower toObject toPhysicalZone toUpper trim tryGet union uniqueString uri ' +
    'uriComponent uriComponentToString utcNow'
  ).split(' '),
);
const NAMESPACES = new Set(['sys', 'az']);

function isFunctionName(node: SyntaxNode): boolean {
  const parent = node.parent;
  return parent?.type === 'call_expression' && same(parent.namedChildren[0], node);
}

/** Identifiers that name something rather than refer to it: declarations, property keys, decorators, types. */
function isNotAReference(node: SyntaxNode): boolean {
  const parent = node.parent;
  if (!parent) return true;
  if (
    DECLARATIONS.has(parent.type) &&
    same(
      parent.namedChildren.find((c) => c.type === 'identifier'),
      node,
    )
  )
    return true;
  if (parent.type === 'object_property' && same(parent.namedChildren[0], node)) return true;
  if (parent.type === 'resource_expression' && !same(parent.namedChildren[0], node)) return true;
  for (let n: SyntaxNode | null = parent; n; n = n.parent) {
    if (n.type === 'decorator' || n.type === 'type' || n.type.endsWith('_type') || n.type.startsWith('import')) return true;
  }
  return false;
}

/** Loop variables and lambda parameters in scope at a node. */
function localNames(node: SyntaxNode): Set<string> {
  const names = new Set<string>();
  for (let n: SyntaxNode | null = node.parent; n; n = n.parent) {
    if (n.type === 'for_statement') {
      const first = n.namedChildren[0];
      if (first?.type === 'identifier') names.add(first.text);
      else if (first?.type === 'for_loop_parameters') for (const p of first.namedChildren) names.add(p.text);
    } else if (n.type === 'lambda_expression') {
      for (const p of n.namedChildren.slice(0, -1)) {
        if (p.type === 'identifier') names.add(p.text);
        else walk(p, (c) => c.type === 'identifier' && names.add(c.text));
      }
    }
  }
  return names;
}

export function referenceProblems(file: BicepFile): ValidationProblem[] {
  const problems: ValidationProblem[] = [];
  walk(file.root, (node) => {
    if (node.type !== 'identifier' || isNotAReference(node)) return;
    const name = node.text;
    if (isFunctionName(node)) {
      if (!BUILTIN_FUNCTIONS.has(name) && !/^list\w*$/.test(name) && !file.declared.has(name)) {
        problems.push({ file: file.path, message: `${at(node)}: "${name}" is not a Bicep function or a declared func` });
      }
      return;
    }
    if (file.declared.has(name) || localNames(node).has(name)) return;
    if (NAMESPACES.has(name) && node.parent?.type === 'member_expression') return;
    problems.push({ file: file.path, message: `${at(node)}: "${name}" is not declared (no param, var, resource, module or loop variable has that name)` });
  });
  return problems;
}
