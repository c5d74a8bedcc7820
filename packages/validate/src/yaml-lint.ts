import { execFile } from 'node:child_process';
import type { ArtifactValidator, ValidationProblem } from './types.js';

/**
 * yamllint's defaults, relaxed where they fight valid YAML of the tools we generate for: GitHub's
 * `on:` (truthy), no `---` (document-start), long commands (line-length), flow maps (braces), and
 * one space before a trailing `# v1.2.3` pin comment (comments).
 */
export const YAMLLINT_CONFIG = JSON.stringify({
  extends: 'default',
  rules: {
    truthy: 'disable',
    'document-start': 'disable',
    'line-length': 'disable',
    braces: 'disable',
    comments: { 'min-spaces-from-content': 1 },
  },
});

/** Lints one YAML text; resolves to yamllint's `line:column: [level] message (rule)` lines. */
function yamllint(text: string): Promise<string[]> {
  return new Promise((resolve, reject) => {
    const child = execFile('yamllint', ['-d', YAMLLINT_CONFIG, '-f', 'parsable', '-'], (error, stdout, stderr) => {
      const lines = stdout.split('\n').filter((line) => line.startsWith('stdin:'));
      // Exit 1 means "problems found"; anything else without output is yamllint itself failing.
      if (error && lines.length === 0) {
        const missing = (error as NodeJS.ErrnoException).code === 'ENOENT';
        reject(new Error(missing ? 'yamllint is not installed (apt-get install yamllint)' : `yamllint failed: ${stderr || error.message}`));
        return;
      }
      resolve(lines.map((line) => line.slice('stdin:'.length)));
    });
    child.stdin?.end(text);
  });
}

/** yamllint (relaxed config) on every YAML file: syntax, duplicate keys, indentation, trailing spaces. */
export const yamlLintValidator: ArtifactValidator = {
  name: 'yamllint',
  tools: [{ command: 'yamllint', install: 'apt-get install yamllint (pip install yamllint)' }],
  appliesTo: (path) => /\.ya?ml$/.test(path),
  async validate(files) {
    const checks = [...files]
      .filter(([path]) => this.appliesTo(path))
      .map(async ([file, text]): Promise<ValidationProblem[]> =>
        (await yamllint(text)).map((message) => ({ file, line: Number(message.split(':')[0]) || 1, message: `yamllint ${message}` })),
      );
    return (await Promise.all(checks)).flat();
  },
};
