// promtool check rules, on rules files and on loose queries wrapped as recording rules.
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { stringify } from 'yaml';
import type { PromQuery, RuleFileSource } from './prometheus-sources.js';
import type { ValidationProblem } from './types.js';

/** The recording rule a loose query is checked as: promtool parses its expression as Prometheus would run it. */
const QUERY_GROUP = 'slipway-queries';

function queriesAsRules(queries: readonly PromQuery[]): string {
  return stringify(
    { groups: [{ name: QUERY_GROUP, rules: queries.map((query, i) => ({ record: `slipway:query_${i + 1}`, expr: query.expr })) }] },
    { lineWidth: 0 },
  );
}

function runPromtool(paths: readonly string[]): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile('promtool', ['check', 'rules', ...paths], { maxBuffer: 16 * 1024 * 1024 }, (error, stdout, stderr) => {
      // Exit 1 with findings on stderr is "problems found"; a missing binary or no output is promtool failing.
      if (error && ((error as NodeJS.ErrnoException).code === 'ENOENT' || stderr.trim() === '')) {
        const missing = (error as NodeJS.ErrnoException).code === 'ENOENT';
        reject(new Error(missing ? 'promtool is not installed (apt-get install prometheus)' : `promtool failed: ${stdout}${error.message}`));
        return;
      }
      resolve(stderr);
    });
  });
}

/**
 * Runs `promtool check rules` once over every rules file and the loose queries (as recording rules in
 * one temp file); each finding goes back to the artifact and the rule or query it is about.
 */
export async function promtoolProblems(ruleFiles: readonly RuleFileSource[], queries: readonly PromQuery[]): Promise<ValidationProblem[]> {
  if (ruleFiles.length === 0 && queries.length === 0) return [];
  const dir = mkdtempSync(join(tmpdir(), 'slipway-promtool-'));
  try {
    const sources = new Map<string, { file: string; where: string; query?: (index: number) => PromQuery | undefined }>();
    ruleFiles.forEach((rules, i) => {
      const path = join(dir, `rules-${i}.yml`);
      writeFileSync(path, rules.text);
      sources.set(path, { file: rules.file, where: rules.where });
    });
    if (queries.length > 0) {
      const path = join(dir, 'queries.yml');
      writeFileSync(path, queriesAsRules(queries));
      sources.set(path, { file: '', where: '', query: (index) => queries[index] });
    }
    const output = await runPromtool([...sources.keys()]);
    // A finding starts with the file's path; YAML errors continue on indented lines ("  line 5: field …").
    const findings: Array<{ path: string; text: string }> = [];
    for (const line of output.split('\n')) {
      const path = [...sources.keys()].find((p) => line.startsWith(`${p}: `));
      const last = findings.at(-1);
      if (path) findings.push({ path, text: line.slice(path.length + 2) });
      else if (last && /^\s+\S/.test(line) && line.trim() !== 'FAILED:') last.text += ` ${line.trim()}`;
    }
    const problems: ValidationProblem[] = [];
    for (const { path, text: finding } of findings) {
      const source = sources.get(path)!;
      const rule = /^(?:\d+:\d+: )?group "([^"]*)", rule (\d+), (?:"[^"]*": )?(.*)$/.exec(finding);
      const query = rule && rule[1] === QUERY_GROUP ? source.query?.(Number(rule[2]) - 1) : undefined;
      if (query) problems.push({ file: query.file, message: `promtool: ${query.where}: ${rule![3]}` });
      else problems.push({ file: source.file, message: `promtool check rules: ${source.where}${finding.replace(/^\d+:\d+: /, '')}` });
    }
    return problems;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
