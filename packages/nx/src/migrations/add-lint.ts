import { getProjects, installPackagesTask, joinPathFragments, logger, type GeneratorCallback, type Tree } from '@nx/devkit';
import { contentHash, readGeneratorRecord, writeGeneratorRecord } from '../answers.js';
import { SERVICE_GENERATOR } from '../deploy-target.js';
import { ESLINT_CONFIG_FILES, LINT_CONFIG_FILE, LINT_PACKAGES, LINT_SCRIPT, LINT_TARGET } from '../lint.js';
import { writeManagedFile } from '../render.js';
import { currentApi, rerender } from '../rerender.js';
import { stableJson } from '../stable-json.js';
import { withVersions } from '../versions.js';

interface ServicePackageJson {
  scripts?: Record<string, string>;
  dependencies?: Record<string, string>;
  devDependencies?: Record<string, string>;
}

/**
 * Writes the lint config as new-mcp-service renders it today (team layers, the workspace's formatting
 * and all: the same render the drift check compares against), and records it as Slipway's, so that
 * drift check and update treat it like a generated file.
 */
async function addLintConfig(tree: Tree, root: string): Promise<boolean> {
  if (ESLINT_CONFIG_FILES.some((file) => tree.exists(joinPathFragments(root, file)))) return false;
  const record = readGeneratorRecord(tree, root, SERVICE_GENERATOR);
  if (record === undefined) return false;
  const rendered = (await rerender(currentApi, tree, SERVICE_GENERATOR, record, root, false)).files.find((f) => f.path === LINT_CONFIG_FILE);
  if (rendered === undefined) return false;
  tree.write(joinPathFragments(root, LINT_CONFIG_FILE), rendered.content);
  writeGeneratorRecord(tree, root, SERVICE_GENERATOR, { ...record, files: { ...record.files, [LINT_CONFIG_FILE]: contentHash(rendered.content) } });
  return true;
}

/** Adds the lint script, and (with our config) the packages it imports; what the team already has stays. */
function addLintScript(tree: Tree, root: string, withPackages: boolean): boolean {
  const path = joinPathFragments(root, 'package.json');
  const text = tree.read(path, 'utf-8');
  if (text === null) return false;
  const pkg = JSON.parse(text) as ServicePackageJson;
  const has = (name: string) => pkg.dependencies?.[name] !== undefined || pkg.devDependencies?.[name] !== undefined;
  const missing = withPackages ? LINT_PACKAGES.filter((name) => !has(name)) : [];
  if (pkg.scripts?.['lint'] !== undefined && missing.length === 0) return false;
  pkg.scripts = { lint: LINT_SCRIPT, ...pkg.scripts };
  pkg.devDependencies = { ...pkg.devDependencies, ...withVersions(missing) };
  tree.write(path, stableJson(pkg));
  return true;
}

/**
 * Brings services generated before the lint setup up to it: the ESLint config (unless the service
 * has one of its own), the `lint` script and its packages, and the cached `lint` target. Anything
 * the team already configured is kept, and a second run changes nothing.
 */
export default async function addLint(tree: Tree): Promise<GeneratorCallback | undefined> {
  let install = false;
  for (const [name, project] of getProjects(tree)) {
    if (readGeneratorRecord(tree, project.root, SERVICE_GENERATOR) === undefined) continue;
    const wroteConfig = await addLintConfig(tree, project.root);
    const wroteScript = addLintScript(tree, project.root, wroteConfig);
    install ||= wroteScript;
    const hasTarget = project.targets?.['lint'] !== undefined;
    // The one writer merges project.json by target, as new-mcp-service writes it: only `lint` is added.
    if (!hasTarget) writeManagedFile(tree, joinPathFragments(project.root, 'project.json'), stableJson({ targets: { lint: LINT_TARGET } }), 'targets');
    const added = [...(wroteConfig ? [LINT_CONFIG_FILE] : []), ...(wroteScript ? ['the lint script'] : []), ...(hasTarget ? [] : ['the lint target'])];
    if (added.length > 0) logger.info(`${name}: added ${added.join(', ')} (\`nx run ${name}:lint\`)`);
  }
  return install ? () => installPackagesTask(tree) : undefined;
}
