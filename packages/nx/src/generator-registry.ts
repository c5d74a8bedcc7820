import type { GeneratorCallback, Tree } from '@nx/devkit';
import { generatorKey, generatorTable, type GeneratorName } from './generator-table.js';

/**
 * How a generator is being run. `rerender`: update or the drift check re-renders one recorded
 * generation, so a generator renders its own files only (each composed generator is re-rendered
 * from its own record).
 */
export interface GeneratorRun {
  readonly mode: 'generate' | 'rerender';
}

/** Resolves to its install task (a GeneratorCallback) or nothing: runGenerator checks which. */
export type GeneratorFunction = (tree: Tree, options: Record<string, unknown>, run?: GeneratorRun) => Promise<unknown>;

// Run from source (the specs) this module is .ts, built it is .js; the generators are the same.
const codeExtension = import.meta.url.endsWith('.ts') ? '.ts' : '.js';

/**
 * Loads a generator by name, as Nx does from generators.json: by its path beside this package's
 * code (generators/<name>/generator.js), never by a static import. The core thus knows the list of
 * generators (the table) without depending on their code, and generators compose each other here.
 */
export async function loadGenerator(name: GeneratorName): Promise<GeneratorFunction> {
  const path = new URL(`../../../generators/${name}/generator${codeExtension}`, import.meta.url).href;
  // A path known only at run time, on purpose: tell vitest's bundler not to try to resolve it.
  const module = (await import(/* @vite-ignore */ path)) as { default: GeneratorFunction };
  return module.default;
}

/** Runs another generator on the tree, as `nx g @slipway/nx:<name>` would; returns its install task, if any. */
export async function runGenerator(tree: Tree, name: GeneratorName, options: Record<string, unknown>): Promise<GeneratorCallback | undefined> {
  const task = await (await loadGenerator(name))(tree, options);
  return typeof task === 'function' ? (task as GeneratorCallback) : undefined;
}

/**
 * Every generator whose output Slipway manages, by answers-record key. `update`, the drift check
 * and later versions of this package use it to re-render a recorded generation.
 */
export const generatorsByKey: Readonly<Record<string, () => Promise<GeneratorFunction>>> = Object.fromEntries(
  generatorTable.filter((row) => row.records === 'files').map((row) => [generatorKey(row.name), () => loadGenerator(row.name)]),
);
