// The database owner's credential stays out of the serving container.
import { bodyOf, resourcesOf, varsOf } from './bicep-declarations.js';
import { stringValue } from './bicep-json.js';
import { type BicepFile, type SyntaxNode, at, walk } from './bicep-tree.js';
import type { ValidationProblem } from './types.js';

/** Names that mark a database owner's credential: the server admin's, or the migration's. */
const OWNER = /admin|owner|migration/i;

function propertyValue(object: SyntaxNode, key: string): SyntaxNode | undefined {
  const property = object.namedChildren.find((p) => {
    const name = p.type === 'object_property' ? p.namedChildren[0] : undefined;
    return name !== undefined && (name.type === 'string' ? stringValue(name) : name.text) === key;
  });
  return property?.namedChildren[1];
}

/** The object literals an expression may evaluate to, through arrays, ternaries, parentheses and vars. */
function objectsOf(node: SyntaxNode | undefined, vars: ReadonlyMap<string, SyntaxNode>, depth = 0): SyntaxNode[] {
  if (!node || depth > 20) return [];
  const next = (child: SyntaxNode | undefined): SyntaxNode[] => objectsOf(child, vars, depth + 1);
  switch (node.type) {
    case 'object':
      return [node];
    case 'array':
      return node.namedChildren.flatMap(next);
    case 'ternary_expression':
      return node.namedChildren.slice(1).flatMap(next);
    case 'parenthesized_expression':
      return next(node.namedChildren[0]);
    case 'identifier':
      return next(vars.get(node.text));
    default:
      return [];
  }
}

/** The owner-like names an expression reads (params, vars, outputs, properties), not its string literals. */
function ownerNamesIn(node: SyntaxNode | undefined): string[] {
  const names = new Set<string>();
  if (node) walk(node, (n) => (n.type === 'identifier' || n.type === 'property_identifier') && OWNER.test(n.text) && names.add(n.text));
  return [...names];
}

const valueAt = (object: SyntaxNode | undefined, ...keys: string[]): SyntaxNode | undefined =>
  keys.reduce<SyntaxNode | undefined>((node, key) => (node?.type === 'object' ? propertyValue(node, key) : undefined), object);

const literal = (node: SyntaxNode | undefined): string => (node?.type === 'string' ? stringValue(node) : '');

/**
 * The serving container never gets the database owner: a Container App's containers take no
 * DATABASE_MIGRATION_URL and no secret or value built from the admin's or owner's credential (init
 * containers and Container Apps Jobs, the migration step, may), and a Key Vault secret built from the
 * admin's credential is named as the owner's, not handed out as the app's DATABASE_URL.
 */
export function ownerCredentialProblems(file: BicepFile): ValidationProblem[] {
  const problems: ValidationProblem[] = [];
  const vars = varsOf(file);
  for (const use of resourcesOf(file).filter((u) => !u.existing)) {
    const body = bodyOf(use.node);
    if (use.type === 'Microsoft.KeyVault/vaults/secrets') {
      const name = literal(valueAt(body, 'name'));
      const fromOwner = ownerNamesIn(valueAt(body, 'properties', 'value'));
      if (name !== '' && !OWNER.test(name) && fromOwner.length > 0) {
        problems.push({
          file: file.path,
          message: `${at(use.node)}: Key Vault secret '${name}' is built from the database owner's credential (${fromOwner.join(', ')}); the app must connect as its own login: keep the owner's URL in a secret of its own (e.g. 'database-migration-url') for the migration step only`,
        });
      }
    }
    if (use.type !== 'Microsoft.App/containerApps') continue;
    const ownerSecrets = new Set<string>();
    for (const secret of objectsOf(valueAt(body, 'properties', 'configuration', 'secrets'), vars)) {
      const name = literal(propertyValue(secret, 'name'));
      if (OWNER.test(name) || ownerNamesIn(propertyValue(secret, 'keyVaultUrl')).length > 0 || ownerNamesIn(propertyValue(secret, 'value')).length > 0)
        ownerSecrets.add(name);
    }
    for (const container of objectsOf(valueAt(body, 'properties', 'template', 'containers'), vars)) {
      for (const env of objectsOf(propertyValue(container, 'env'), vars)) {
        const envName = literal(propertyValue(env, 'name')) || '?';
        const ref = literal(propertyValue(env, 'secretRef'));
        const owner = ownerNamesIn(propertyValue(env, 'value'));
        if (envName === 'DATABASE_MIGRATION_URL' || ownerSecrets.has(ref) || OWNER.test(ref) || owner.length > 0) {
          problems.push({
            file: file.path,
            message: `${at(env)}: the Container App's serving container gets the database owner's credential in ${envName}${ref ? ` (secret '${ref}')` : ''}${owner.length > 0 ? ` (${owner.join(', ')})` : ''}; give it the serving login's DATABASE_URL and run the migration with the owner's secret in a Container Apps Job or init container`,
          });
        }
      }
    }
  }
  return problems;
}
