import { type Json, isObject } from './json-shapes.js';

const SECRET_NAME = /(client_?secret|password|secret|servicePrincipalKey|ARM_CLIENT_SECRET)/i;
const MACRO_ONLY = /^\s*(\$\([^)]*\)|\$\[[\s\S]*\]|\$\{\{[\s\S]*\}\})\s*$/;

/** Azure credentials written into the pipeline instead of a (workload identity) service connection. */
export function checkSecrets(doc: Json): string[] {
  const problems: string[] = [];
  const visit = (node: unknown, path: string): void => {
    if (Array.isArray(node)) return node.forEach((item, index) => visit(item, `${path}[${index}]`));
    if (typeof node === 'string') {
      if (/az\s+login\b[^\n]*--service-principal/.test(node) || /\bConnect-AzAccount\b[^\n]*-ServicePrincipal/.test(node)) {
        problems.push(
          `${path}: logs in with a service principal secret in the script; use AzureCLI@2 with a workload identity federation service connection (azureSubscription)`,
        );
      }
      return;
    }
    if (!isObject(node)) return;
    // `variables: [{name, value}]` and `variables: {name: value}` both name a value.
    if (typeof node['name'] === 'string' && typeof node['value'] === 'string' && SECRET_NAME.test(node['name']) && !MACRO_ONLY.test(node['value'])) {
      problems.push(`${path}: variable ${node['name']} holds a credential in plain text; use a secret variable or a Key Vault-backed variable group`);
    }
    for (const [key, value] of Object.entries(node)) {
      const here = path ? `${path}.${key}` : key;
      if ((key === 'variables' || key === 'env') && isObject(value)) {
        for (const [name, v] of Object.entries(value)) {
          if (SECRET_NAME.test(name) && typeof v === 'string' && !MACRO_ONLY.test(v)) {
            problems.push(`${here}.${name}: holds a credential in plain text; use a secret variable or a Key Vault-backed variable group`);
          }
        }
      }
      visit(value, here);
    }
  };
  visit(doc, '');
  return problems;
}
