// Slipway's parameter policy: credentials are @secure(), and pgvector is enabled the way Azure allows.
import { type BicepFile, at, walk } from './bicep-tree.js';
import type { ValidationProblem } from './types.js';

/** camelCase words of a name: `postgresAdminPassword` → postgres, admin, password. */
const words = (name: string): string[] => name.split(/(?<=[a-z0-9])(?=[A-Z])|[_-]/).map((w) => w.toLowerCase());

/**
 * A credential: the name ends in password/secret/key/token (so `keyVaultName` is not one, `apiKey` is)
 * or holds a connection string.
 */
export function looksLikeCredential(name: string): boolean {
  const last = words(name).at(-1) ?? '';
  return ['password', 'passwd', 'secret', 'key', 'keys', 'token', 'pat'].includes(last) || /connectionstring/i.test(name);
}

export function policyProblems(file: BicepFile): ValidationProblem[] {
  const problems: ValidationProblem[] = [];
  for (const [name, param] of file.params) {
    if (looksLikeCredential(name) && !param.secure) {
      problems.push({
        file: file.path,
        message: `${at(param.node)}: param "${name}" looks like a credential; mark it @secure() so it stays out of logs and deployment history`,
      });
    }
  }
  walk(file.root, (node) => {
    if (node.type === 'string' && /shared_preload_libraries/.test(node.text)) {
      problems.push({
        file: file.path,
        message: `${at(node)}: shared_preload_libraries does not enable pgvector on Azure Database for PostgreSQL; allow-list it with a configurations child named 'azure.extensions' (value 'VECTOR') and run CREATE EXTENSION vector`,
      });
    }
  });
  return problems;
}
