import { serviceNameProblems, suggestServiceName, workspaceNameProblems } from '@slipway/nx/names';

export const databases = ['pglite', 'postgres', 'none'] as const;
export type Database = (typeof databases)[number];

/** What the new workspace is made of: the questions' answers, from flags or prompts. */
export interface Answers {
  /** The workspace's name: its folder (under the current directory) and its package.json name. */
  readonly name: string;
  /** A first MCP service to generate under services/. */
  readonly service?: string;
  /** The first service's database; left out, Slipway's default (or the team layer's) applies. */
  readonly database?: Database;
  /** Team layer folder, relative to the workspace root. */
  readonly layer?: string;
  /** Registry for the @slipway scope, written to the workspace's .npmrc (a private registry). */
  readonly registry?: string;
}

export const DEFAULT_NAME = 'my-platform';
export const DEFAULT_LAYER = 'tools/slipway';

/** Each check returns what is wrong, in words for the user, or undefined. */
export type Check = (value: string) => string | undefined;

export const checkName: Check = (name) => {
  const problems = workspaceNameProblems(name);
  return problems.length > 0 ? `"${name}" ${problems.join('; ')}` : undefined;
};

export const checkService: Check = (name) => {
  const problems = serviceNameProblems(name);
  return problems.length > 0 ? `"${name}" ${problems.join('; ')}. Try "${suggestServiceName(name)}".` : undefined;
};

export const checkDatabase: Check = (value) =>
  (databases as readonly string[]).includes(value) ? undefined : `"${value}" is not a database Slipway knows: use ${databases.join(', ')}`;

export const checkLayer: Check = (folder) => {
  if (folder.startsWith('/') || /^[A-Za-z]:/.test(folder)) return `"${folder}" must be relative to the workspace root, e.g. ${DEFAULT_LAYER}`;
  if (folder.split(/[\\/]/).includes('..')) return `"${folder}" must stay inside the workspace (no "..")`;
  if (!/^[A-Za-z0-9._/-]+$/.test(folder)) return `"${folder}" may contain only letters, digits, ".", "_", "-" and "/"`;
  return undefined;
};

export const checkRegistry: Check = (url) => {
  try {
    const { protocol } = new URL(url);
    return protocol === 'http:' || protocol === 'https:' ? undefined : `"${url}" must be an http(s) URL`;
  } catch {
    return `"${url}" is not a URL, e.g. https://npm.example.com/`;
  }
};

/** `tools/slipway/` → `tools/slipway`; `none` or blank → no layer. */
export function normalizeLayer(value: string | undefined): string | undefined {
  const folder = value?.trim().replace(/\\/g, '/').replace(/^\.\//, '').replace(/\/+$/, '');
  return folder && folder !== 'none' ? folder : undefined;
}
