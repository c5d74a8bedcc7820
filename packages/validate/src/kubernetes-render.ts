// Rendering kustomizations with kubectl kustomize.
import { execFile } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, posix } from 'node:path';
import { promisify } from 'node:util';
import { parseAllDocuments } from 'yaml';
import { type Json, isObject } from './json-shapes.js';
import type { ValidationProblem } from './types.js';

const execFileAsync = promisify(execFile);

/** One rendered Kubernetes document and where it came from (`deploy/k8s/overlays/prod`). */
export interface RenderedDocument {
  readonly source: string;
  readonly doc: Record<string, unknown>;
}

/** Folders holding a kustomization file, from the paths of the given files. */
export function kustomizationDirs(paths: Iterable<string>): string[] {
  return [...paths]
    .filter((p) => /(^|\/)kustomization\.ya?ml$/.test(p))
    .map((p) => posix.dirname(p))
    .sort();
}

async function kustomize(root: string, dir: string): Promise<{ docs: Json[] } | { error: string }> {
  try {
    const { stdout } = await execFileAsync('kubectl', ['kustomize', join(root, dir)], { maxBuffer: 16 * 1024 * 1024 });
    const docs = parseAllDocuments(stdout)
      .map((d) => d.toJSON() as unknown)
      .filter(isObject);
    return { docs };
  } catch (error) {
    const stderr = (error as { stderr?: string }).stderr ?? String(error);
    const line = stderr.split('\n').find((l) => l.trim() !== '') ?? stderr;
    return { error: line.replace(root + '/', '').replace(/^E\d+ [\d:.]+\s+\d+ \S+\] /, '') };
  }
}

/** Renders every kustomization among the files (written to a temp folder) with `kubectl kustomize`. */
export async function renderKustomizations(files: ReadonlyMap<string, string>): Promise<{ documents: RenderedDocument[]; problems: ValidationProblem[] }> {
  const root = mkdtempSync(join(tmpdir(), 'slipway-k8s-'));
  try {
    for (const [file, text] of files) {
      mkdirSync(dirname(join(root, file)), { recursive: true });
      writeFileSync(join(root, file), text);
    }
    const dirs = kustomizationDirs(files.keys());
    const results = await Promise.all(dirs.map((dir) => kustomize(root, dir)));
    const documents: RenderedDocument[] = [];
    const problems: ValidationProblem[] = [];
    results.forEach((result, i) => {
      const source = dirs[i]!;
      if ('error' in result) problems.push({ file: `${source}/kustomization.yaml`, message: `kubectl kustomize failed: ${result.error}` });
      else for (const doc of result.docs) documents.push({ source, doc });
    });
    return { documents, problems };
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
}
