import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative } from 'node:path';
import { getProjects, joinPathFragments, logger, visitNotIgnoredFiles, type Tree } from '@nx/devkit';
import { versions } from '../versions.js';

const SOURCE = /\.(ts|tsx|mts|cts|js|jsx|mjs|cjs)$/;
const V1 = '@modelcontextprotocol/sdk';
const V2_PACKAGES = ['@modelcontextprotocol/server', '@modelcontextprotocol/client', '@modelcontextprotocol/node'] as const;

interface Manifest {
  dependencies?: Record<string, string>;
  devDependencies?: Record<string, string>;
}

function usesV1(pkg: Manifest): boolean {
  return Boolean(pkg.dependencies?.[V1] ?? pkg.devDependencies?.[V1]);
}

/** The codemod's ranges (e.g. ^2.3.1) become our pinned versions, and zod moves to the v4 line v2 needs. */
function pinVersions(pkg: Manifest, notes: string[], manifestPath: string): void {
  for (const block of [pkg.dependencies, pkg.devDependencies]) {
    if (!block) continue;
    for (const name of V2_PACKAGES) if (block[name]) block[name] = versions[name];
    if (block['zod'] && !/^[~^]?4\./.test(block['zod'])) {
      notes.push(`${manifestPath}: zod ${block['zod']} → ${versions.zod} (SDK v2 needs zod >= 4.2)`);
      block['zod'] = versions.zod;
    }
  }
}

/**
 * Moves projects from the MCP SDK v1 (`@modelcontextprotocol/sdk`) to v2 with the SDK's own codemod
 * (@modelcontextprotocol/codemod, v1-to-v2), run on a copy of each project's sources. What it could
 * not convert is marked in the code with `@mcp-codemod-error` comments and listed here.
 */
export default async function migrateMcpSdkToV2(tree: Tree): Promise<string[]> {
  const notes: string[] = [];
  const { DiagnosticLevel, getMigration, run } = await import('@modelcontextprotocol/codemod');
  const migration = getMigration('v1-to-v2');
  if (!migration) throw new Error('@modelcontextprotocol/codemod has no v1-to-v2 migration');
  for (const [name, project] of getProjects(tree)) {
    const manifestPath = joinPathFragments(project.root, 'package.json');
    const manifestText = tree.read(manifestPath, 'utf-8');
    if (manifestText === null || !usesV1(JSON.parse(manifestText) as Manifest)) continue;

    const work = mkdtempSync(join(tmpdir(), 'slipway-codemod-'));
    try {
      const originals = new Map<string, string>();
      writeFileSync(join(work, 'package.json'), manifestText);
      visitNotIgnoredFiles(tree, project.root, (path) => {
        if (!SOURCE.test(path) || /(^|\/)(node_modules|dist)\//.test(path)) return;
        const rel = relative(project.root, path);
        const text = tree.read(path, 'utf-8')!;
        originals.set(rel, text);
        mkdirSync(dirname(join(work, rel)), { recursive: true });
        writeFileSync(join(work, rel), text);
      });
      const result = run(migration, { targetDir: work });
      for (const [rel, before] of originals) {
        const after = readFileSync(join(work, rel), 'utf8');
        if (after !== before) tree.write(joinPathFragments(project.root, rel), after);
      }
      const pkg = JSON.parse(readFileSync(join(work, 'package.json'), 'utf8')) as Manifest;
      pinVersions(pkg, notes, manifestPath);
      tree.write(manifestPath, `${JSON.stringify(pkg, null, 2)}\n`);
      notes.push(`${name}: ${result.filesChanged} file(s) moved to MCP SDK v2 (${result.totalChanges} changes).`);
      for (const d of result.diagnostics.filter((x) => x.level !== DiagnosticLevel.Info)) {
        notes.push(`${joinPathFragments(project.root, relative(work, d.file))}:${d.line}: ${d.level}: ${d.message}`);
      }
      for (const change of result.packageJsonChanges ?? []) for (const w of change.warnings ?? []) notes.push(`${manifestPath}: ${w}`);
      if (result.commentCount > 0) {
        notes.push(`${name}: ${result.commentCount} place(s) need a manual change; search for @mcp-codemod-error.`);
      }
    } finally {
      rmSync(work, { recursive: true, force: true });
    }
  }
  for (const note of notes) logger.info(note);
  return notes;
}
