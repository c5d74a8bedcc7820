import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'yaml';
import { type Json, isObject } from './json-shapes.js';
import type { ArtifactValidator, ValidationProblem } from './types.js';

/** A shell script found in an artifact: a whole `.sh` file, or one `run:`/`script:` step of a pipeline. */
export interface ShellSnippet {
  readonly file: string;
  /** Where in the file, for messages: `jobs.build.steps[2] "Push"`. */
  readonly where: string;
  readonly script: string;
  /** Shell options the CI system runs the script with (GitHub: `bash -e`), prepended for shellcheck. */
  readonly prelude?: string;
}

export const isGithubWorkflow = (path: string): boolean => /(^|\/)\.github\/workflows\/[^/]+\.ya?ml$/.test(path);
export const isAzurePipeline = (path: string): boolean =>
  /(^|\/)azure-pipelines\.ya?ml$/.test(path) || /\.azure-pipelines\.ya?ml$/.test(path) || /(^|\/)\.azure-pipelines\/[^/]+\.ya?ml$/.test(path);

// Expressions are replaced by a plain word, so that shellcheck sees valid shell where the CI system
// would substitute text: GitHub `${{ }}`; Azure Pipelines `${{ }}`, `$[ ]` and `$(Name.Dotted)` macros.
const PLACEHOLDER = 'SLIPWAY_EXPRESSION';

export function replaceGithubExpressions(script: string): string {
  return script.replace(/\$\{\{[\s\S]*?\}\}/g, PLACEHOLDER);
}

/** `$(name)` is a macro when `name` is a pipeline variable or has a dot (predefined `Build.BuildId`); otherwise it is shell. */
export function replaceAzureExpressions(script: string, variables: ReadonlySet<string>): string {
  return script
    .replace(/\$\{\{[\s\S]*?\}\}/g, PLACEHOLDER)
    .replace(/\$\[[\s\S]*?\]/g, PLACEHOLDER)
    .replace(/\$\(([A-Za-z_][A-Za-z0-9_.]*)\)/g, (match, name: string) => (name.includes('.') || variables.has(name) ? PLACEHOLDER : match));
}

/** Every array under a `steps` key, wherever it sits (jobs, stages, deployment strategy hooks). */
function stepLists(node: unknown, path: string, out: Array<{ path: string; steps: unknown[] }>): void {
  if (Array.isArray(node)) {
    node.forEach((item, index) => stepLists(item, `${path}[${index}]`, out));
    return;
  }
  if (!isObject(node)) return;
  for (const [key, value] of Object.entries(node)) {
    const here = path ? `${path}.${key}` : key;
    if (key === 'steps' && Array.isArray(value)) out.push({ path: here, steps: value });
    else stepLists(value, here, out);
  }
}

function stepName(step: Json, path: string): string {
  const name = step['name'] ?? step['displayName'] ?? step['id'];
  return typeof name === 'string' ? `${path} "${name}"` : path;
}

/** The `run:` steps of a GitHub workflow that run in bash or sh (the default shell on Linux runners). */
export function githubRunSnippets(file: string, text: string): ShellSnippet[] {
  const doc: unknown = parse(text);
  if (!isObject(doc) || !isObject(doc['jobs'])) return [];
  const workflowShell = isObject(doc['defaults']) && isObject(doc['defaults']['run']) ? doc['defaults']['run']['shell'] : undefined;
  const snippets: ShellSnippet[] = [];
  for (const [jobId, job] of Object.entries(doc['jobs'])) {
    if (!isObject(job) || !Array.isArray(job['steps'])) continue;
    const jobShell = isObject(job['defaults']) && isObject(job['defaults']['run']) ? job['defaults']['run']['shell'] : undefined;
    job['steps'].forEach((step, index) => {
      if (!isObject(step) || typeof step['run'] !== 'string') return;
      const shell = step['shell'] ?? jobShell ?? workflowShell;
      if (shell !== undefined && !/^(bash|sh)\b/.test(String(shell))) return;
      // Linux runners run `bash -e {0}` by default, and `bash --noprofile --norc -eo pipefail {0}` for `shell: bash`.
      const prelude = shell === 'bash' ? 'set -eo pipefail' : 'set -e';
      snippets.push({ file, where: stepName(step, `jobs.${jobId}.steps[${index}]`), script: replaceGithubExpressions(step['run']), prelude });
    });
  }
  return snippets;
}

function pipelineVariableNames(node: unknown, names: Set<string>): void {
  if (Array.isArray(node)) {
    for (const item of node) pipelineVariableNames(item, names);
    return;
  }
  if (!isObject(node)) return;
  for (const [key, value] of Object.entries(node)) {
    if (key === 'variables') {
      if (isObject(value)) for (const name of Object.keys(value)) names.add(name);
      if (Array.isArray(value)) for (const v of value) if (isObject(v) && typeof v['name'] === 'string') names.add(v['name']);
    } else if (key === 'parameters' && Array.isArray(value)) {
      for (const p of value) if (isObject(p) && typeof p['name'] === 'string') names.add(p['name']);
    } else {
      pipelineVariableNames(value, names);
    }
  }
}

/** Bash scripts of an Azure pipeline: `script:` and `bash:` steps, and inline Bash@3 / AzureCLI@2 (bash) scripts. */
export function azurePipelineSnippets(file: string, text: string): ShellSnippet[] {
  const doc: unknown = parse(text);
  const variables = new Set<string>();
  pipelineVariableNames(doc, variables);
  const lists: Array<{ path: string; steps: unknown[] }> = [];
  stepLists(doc, '', lists);
  const snippets: ShellSnippet[] = [];
  for (const { path, steps } of lists) {
    steps.forEach((step, index) => {
      if (!isObject(step)) return;
      const inputs = isObject(step['inputs']) ? step['inputs'] : {};
      const task = typeof step['task'] === 'string' ? step['task'] : '';
      let script: unknown;
      if (typeof step['script'] === 'string') script = step['script'];
      else if (typeof step['bash'] === 'string') script = step['bash'];
      else if (/^Bash@/i.test(task) && String(inputs['targetType'] ?? 'filePath').toLowerCase() === 'inline') script = inputs['script'];
      else if (
        /^AzureCLI@2$/i.test(task) &&
        String(inputs['scriptType']).toLowerCase() === 'bash' &&
        String(inputs['scriptLocation']).toLowerCase() === 'inlinescript'
      ) {
        script = inputs['inlineScript'];
      }
      if (typeof script !== 'string') return;
      snippets.push({ file, where: stepName(step, `${path}[${index}]`), script: replaceAzureExpressions(script, variables) });
    });
  }
  return snippets;
}

interface ShellcheckComment {
  readonly file: string;
  readonly line: number;
  readonly level: string;
  readonly code: number;
  readonly message: string;
}

/** Lines put above a snippet: the shell to check it as (unless it has a shebang) and its CI shell options. */
function header(snippet: ShellSnippet): string {
  if (snippet.script.startsWith('#!')) return '';
  return `# shellcheck shell=bash\n${snippet.prelude ? `${snippet.prelude}\n` : ''}`;
}

/** Runs shellcheck once over all snippets; each is checked as bash unless it has its own shebang. */
export function shellcheck(snippets: readonly ShellSnippet[]): Promise<ValidationProblem[]> {
  if (snippets.length === 0) return Promise.resolve([]);
  const dir = mkdtempSync(join(tmpdir(), 'slipway-shellcheck-'));
  const paths = snippets.map((snippet, index) => {
    const path = join(dir, `${index}.sh`);
    writeFileSync(path, `${header(snippet)}${snippet.script}`);
    return path;
  });
  return new Promise((resolve, reject) => {
    execFile('shellcheck', ['--format=json1', '--severity=style', ...paths], { maxBuffer: 16 * 1024 * 1024 }, (error, stdout, stderr) => {
      rmSync(dir, { recursive: true, force: true });
      if (error && !stdout) {
        const missing = (error as NodeJS.ErrnoException).code === 'ENOENT';
        reject(new Error(missing ? 'shellcheck is not installed (apt-get install shellcheck)' : `shellcheck failed: ${stderr || error.message}`));
        return;
      }
      const { comments } = JSON.parse(stdout) as { comments: ShellcheckComment[] };
      resolve(
        comments.map((comment) => {
          const snippet = snippets[paths.indexOf(comment.file)]!;
          const line = comment.line - header(snippet).split('\n').length + 1;
          const where = snippet.where ? `${snippet.where}, ` : '';
          return { file: snippet.file, message: `shellcheck ${where}line ${line}: SC${comment.code} (${comment.level}) ${comment.message}` };
        }),
      );
    });
  });
}

/** Extracts every shell script from a set of artifacts. */
export function shellSnippets(files: ReadonlyMap<string, string>): ShellSnippet[] {
  const snippets: ShellSnippet[] = [];
  for (const [file, text] of files) {
    if (file.endsWith('.sh')) {
      snippets.push({ file, where: '', script: text });
      continue;
    }
    try {
      if (isGithubWorkflow(file)) snippets.push(...githubRunSnippets(file, text));
      else if (isAzurePipeline(file)) snippets.push(...azurePipelineSnippets(file, text));
    } catch {
      // Not parseable YAML: the YAML and pipeline validators report it; there is no script to check.
    }
  }
  return snippets;
}

/** shellcheck on shell scripts, and on the bash of every GitHub `run:` and Azure Pipelines script step. */
export const shellValidator: ArtifactValidator = {
  name: 'shellcheck',
  tools: [{ command: 'shellcheck', install: 'apt-get install shellcheck (brew install shellcheck)' }],
  appliesTo: (path) => path.endsWith('.sh') || isGithubWorkflow(path) || isAzurePipeline(path),
  validate: (files) => shellcheck(shellSnippets(files)),
};
