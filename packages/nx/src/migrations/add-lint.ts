import { getProjects, installPackagesTask, joinPathFragments, logger, updateProjectConfiguration, type GeneratorCallback, type Tree } from '@nx/devkit';
import { contentHash, readGeneratorRecord, writeGeneratorRecord } from '../answers.js';
import { presetOf } from '../deployment/project.js';
import { ESLINT_CONFIG_FILES, LINT_CONFIG_FILE, LINT_PACKAGES, LINT_SCRIPT, LINT_TARGET } from '../lint.js';
import { packagedLayer } from '../render.js';
import { stableJson } from '../stable-json.js';
import { teamLayers, teamTemplateSources } from '../team-layers.js';
import { withVersions } from '../versions.js';

const SERVICE = '@slipway/nx:new-mcp-service';

interface ServicePackageJson {
  scripts?: Record<string, string>;
  dependencies?: Record<string, string>;
  devDependencies?: Record<string, string>;
}

/**
 * The lint config as new-mcp-service renders it today: the topmost layer that has the file, so a
 * team layer's own eslint.config.mjs wins here as it does at generation. Undefined when that layer
 * templates it (.ejs): `nx g @slipway/nx:update` renders it then.
 */
function lintConfig(tree: Tree, root: string): string | undefined {
  // The layers new-mcp-service renders for the service's preset, bottom-up.
  const layers = presetOf(tree, root) === 'retail' ? ['server', 'retail'] : ['server'];
  const stack = [...layers.map(packagedLayer), ...teamTemplateSources(tree, teamLayers(tree), layers)].reverse();
  for (const source of stack) {
    const paths = source.paths();
    if (paths.includes(`${LINT_CONFIG_FILE}.ejs`)) return undefined;
    if (paths.includes(LINT_CONFIG_FILE)) return source.read(LINT_CONFIG_FILE);
  }
  return undefined;
}

/** Writes the lint config and records it as Slipway's, so that drift check and update treat it like a generated file. */
function addLintConfig(tree: Tree, root: string): boolean {
  if (ESLINT_CONFIG_FILES.some((file) => tree.exists(joinPathFragments(root, file)))) return false;
  const content = lintConfig(tree, root);
  const record = readGeneratorRecord(tree, root, SERVICE);
  if (content === undefined || record === undefined) return false;
  tree.write(joinPathFragments(root, LINT_CONFIG_FILE), content);
  writeGeneratorRecord(tree, root, SERVICE, { ...record, files: { ...record.files, [LINT_CONFIG_FILE]: contentHash(content) } });
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
export default function addLint(tree: Tree): GeneratorCallback | undefined {
  let install = false;
  for (const [name, project] of getProjects(tree)) {
    if (readGeneratorRecord(tree, project.root, SERVICE) === undefined) continue;
    const wroteConfig = addLintConfig(tree, project.root);
    const wroteScript = addLintScript(tree, project.root, wroteConfig);
    install ||= wroteScript;
    const hasTarget = project.targets?.['lint'] !== undefined;
    if (!hasTarget) {
      // Sorted, as new-mcp-service writes them, so that a re-run writes the same file byte for byte.
      const targets = Object.fromEntries(Object.entries({ ...project.targets, lint: LINT_TARGET }).sort(([a], [b]) => a.localeCompare(b)));
      updateProjectConfiguration(tree, name, { ...project, targets });
    }
    const added = [...(wroteConfig ? [LINT_CONFIG_FILE] : []), ...(wroteScript ? ['the lint script'] : []), ...(hasTarget ? [] : ['the lint target'])];
    if (added.length > 0) logger.info(`${name}: added ${added.join(', ')} (\`nx run ${name}:lint\`)`);
  }
  return install ? () => installPackagesTask(tree) : undefined;
}
