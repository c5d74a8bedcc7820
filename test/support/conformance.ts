import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { nodeBinary, nodeLtsDir } from '../../tools/node-binaries.js';
import { run } from './run.js';

/**
 * The MCP conformance suite pinned in tools/node-lts (it needs Node 22: fs.globSync), run against a
 * served URL. Results are read from its per-scenario checks.json, not from its console output.
 */
const SUITE = '@modelcontextprotocol/conformance';

export type Revision = '2025-11-25' | '2026-07-28';

export interface ScenarioOutcome {
  readonly name: string;
  /** Part of what the revision requires (the rest is run and reported, but never scored). */
  readonly scored: boolean;
  /** `untestable`: every failed check says the server lacked what the check needs. */
  readonly status: 'passed' | 'failed' | 'untestable';
  readonly failures: readonly string[];
}

export interface ConformanceRun {
  readonly code: number | null;
  readonly output: string;
  readonly scenarios: readonly ScenarioOutcome[];
}

interface Check {
  id: string;
  status: string;
  errorMessage?: string;
  details?: { untestable?: boolean };
}

function suiteCli(): string {
  const cli = join(nodeLtsDir, 'node_modules', SUITE, 'dist/index.js');
  if (!existsSync(cli)) throw new Error(`${SUITE} is not installed in tools/node-lts (ensureNodeLts installs it)`);
  return cli;
}

function suite(args: readonly string[]) {
  return run(nodeBinary('22'), [suiteCli(), ...args], { allowFailure: true });
}

/** The server scenarios a revision requires (scored), as the suite lists them. */
export async function requiredServerScenarios(revision: Revision): Promise<string[]> {
  const listed = await suite(['list', '--server', '--requirements', revision]);
  const lines = listed.stdout.split('\n');
  const start = lines.findIndex((line) => line.startsWith('Server scenarios'));
  if (start < 0) throw new Error(`conformance list printed no server scenarios:\n${listed.stdout}${listed.stderr}`);
  const names: string[] = [];
  for (const line of lines.slice(start + 1)) {
    const match = /^ {2}- (\S+)$/.exec(line);
    if (match === null) break;
    names.push(match[1]!);
  }
  return names;
}

/** A results folder is `server-<scenario>-<ISO timestamp>`. */
function scenarioOfFolder(folder: string): string {
  return folder.replace(/^server-/, '').replace(/-\d{4}-\d{2}-\d{2}T[\d-]+Z$/, '');
}

function outcomeOf(name: string, checks: readonly Check[], scored: boolean): ScenarioOutcome {
  // The suite's baseline counts a WARNING as a failure too (a SHOULD not met, or a scenario that could not run).
  const failed = checks.filter((check) => check.status === 'FAILURE' || check.status === 'WARNING');
  const status = failed.length === 0 ? 'passed' : failed.every((check) => check.details?.untestable === true) ? 'untestable' : 'failed';
  return { name, scored, status, failures: failed.map((check) => `${check.id}: ${check.errorMessage ?? ''}`) };
}

/** Runs exactly what `revision` requires (plus its unscored extension and pending scenarios) against `url`. */
export async function runConformance(url: string, revision: Revision, outputDir: string, expectedFailures?: string): Promise<ConformanceRun> {
  const required = new Set(await requiredServerScenarios(revision));
  const args = ['server', '--url', url, '--requirements', revision, '-o', outputDir];
  if (expectedFailures !== undefined) args.push('--expected-failures', expectedFailures);
  const result = await suite(args);
  const scenarios = readdirSync(outputDir)
    .sort()
    .map((folder) => {
      const name = scenarioOfFolder(folder);
      const checks = JSON.parse(readFileSync(join(outputDir, folder, 'checks.json'), 'utf8')) as Check[];
      return outcomeOf(name, checks, required.has(name));
    });
  const missing = [...required].filter((name) => !scenarios.some((s) => s.name === name));
  if (missing.length > 0) throw new Error(`conformance ran no results for ${missing.join(', ')}:\n${result.stdout}${result.stderr}`);
  return { code: result.code, output: result.stdout + result.stderr, scenarios };
}

/** The scenarios of an expected-failures YAML (the suite's format), each with its `# reason:` and `# upstream:` lines. */
export function readExpectedFailures(path: string): Array<{ scenario: string; reason: string; upstream: string }> {
  const entries: Array<{ scenario: string; reason: string; upstream: string }> = [];
  let reason = '';
  let upstream = '';
  for (const line of readFileSync(path, 'utf8').split('\n')) {
    const comment = /^\s*#\s*(reason|upstream):\s*(.+)$/.exec(line);
    if (comment) {
      if (comment[1] === 'reason') reason = comment[2]!.trim();
      else upstream = comment[2]!.trim();
      continue;
    }
    const entry = /^\s*-\s*(\S+)\s*$/.exec(line);
    if (entry) {
      entries.push({ scenario: entry[1]!, reason, upstream });
      reason = '';
      upstream = '';
    }
  }
  return entries;
}

export function summarize(run: ConformanceRun, filter: (s: ScenarioOutcome) => boolean): { passed: number; failed: number; untestable: number } {
  const picked = run.scenarios.filter(filter);
  return {
    passed: picked.filter((s) => s.status === 'passed').length,
    failed: picked.filter((s) => s.status === 'failed').length,
    untestable: picked.filter((s) => s.status === 'untestable').length,
  };
}
