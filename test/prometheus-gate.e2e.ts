import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client, StreamableHTTPClientTransport } from '@modelcontextprotocol/client';
import { parse, stringify } from 'yaml';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { nx, setUpSlipwayWorkspace, type SlipwayWorkspace } from '../tools/local-packages.js';
import { addTools } from './support/generated-service.js';
import { freePort, waitFor } from './support/ports.js';
import { startServiceProcess, type ServiceProcess } from './support/service-process.js';

// Parsed YAML and JSON of the generated files, read field by field as the assertions need.
type Json = Record<string, any>;
/** A rule as Prometheus's /api/v1/rules reports it. */
interface LoadedRule {
  readonly name: string;
  readonly query: string;
  readonly health: string;
  readonly lastError?: string;
  readonly lastEvaluation: string;
}
type Phase = 'Successful' | 'Failed' | 'Inconclusive';

const NAMESPACE = 'orders-prod';
/** The ReplicaSets of a canary release, by pod-template-hash: the stable pods and three new versions. */
const HASHES = { stable: '6d5f8b7c9', healthy: '7b9c4d6f5', failing: '8c4f6b5d7', idle: '9f6d7c8b4' } as const;
type Pod = keyof typeof HASHES;

/**
 * The release gate, dashboards and alerts, evaluated by a real Prometheus (Debian's 2.42, on loopback)
 * scraping a generated service: four processes labelled as the PodMonitor labels a canary's pods. The
 * failing version runs a tool that throws, as a user's tool does when its backend is down.
 */
describe('the release gate, dashboard and alerts against a real Prometheus', () => {
  const work = mkdtempSync(join(tmpdir(), 'slipway-gate-'));
  const workspace = join(work, 'workspace');
  const service = join(workspace, 'services/orders');
  let slipway: SlipwayWorkspace | undefined;
  const services: ServiceProcess[] = [];
  let prometheus: ChildProcess | undefined;
  let prometheusUrl = '';
  let prometheusOutput = '';
  const probes: NodeJS.Timeout[] = [];

  const query = async (expr: string): Promise<Array<{ metric: Json; value: [number, string] }>> => {
    const response = await fetch(`${prometheusUrl}/api/v1/query?${new URLSearchParams({ query: expr }).toString()}`);
    const body = (await response.json()) as { status: string; error?: string; data: { result: Array<{ metric: Json; value: [number, string] }> } };
    if (body.status !== 'success') throw new Error(`${expr}: ${body.error}`);
    return body.data.result;
  };
  const generated = (path: string): string => readFileSync(join(service, path), 'utf8');

  beforeAll(async () => {
    const started = Date.now();
    const phase = (what: string) => console.info(`${what}: ${Math.round((Date.now() - started) / 1000)} s`);
    slipway = await setUpSlipwayWorkspace(work);
    phase('packed, published and workspace created');
    nx(workspace, ['g', '@slipway/nx:new-mcp-service', 'orders', '--database=none', '--no-interactive']);
    nx(workspace, ['g', '@slipway/nx:k8s', 'orders', '--progressiveDelivery=canary', '--no-interactive']);
    nx(workspace, ['g', '@slipway/nx:compose', 'orders', '--monitoring', '--no-interactive']);
    phase('generated and installed');
    addPriceQuoteTool(service);
    nx(workspace, ['run', 'orders:build']);
    phase('built');

    // Each pod: its own process, with /metrics on the ops port as in the cluster (OPS_PORT).
    const scrapeTargets: Array<{ targets: string[]; labels: Json }> = [];
    const podMonitor = parse(generated('deploy/k8s/base/pod-monitor.yaml')) as Json;
    for (const [pod, hash] of Object.entries(HASHES) as Array<[Pod, string]>) {
      const [port, opsPort] = [await freePort(), await freePort()];
      const env = {
        PORT: String(port),
        OPS_PORT: String(opsPort),
        HOST: '127.0.0.1',
        LOG_LEVEL: 'warn',
        PRICE_SOURCE_DOWN: pod === 'failing' ? 'true' : 'false',
      };
      services.push(await startServiceProcess(service, env, port));
      // The kubelet's readiness probe, every second (the readiness alert reads its answers).
      probes.push(setInterval(() => void fetch(`http://127.0.0.1:${opsPort}/readyz`).catch(() => undefined), 1_000));
      scrapeTargets.push({
        targets: [`127.0.0.1:${opsPort}`],
        labels: podMonitorLabels(podMonitor, `orders-${hash}-x${pod.length}`, { 'app.kubernetes.io/name': 'orders', 'rollouts-pod-template-hash': hash }),
      });
    }

    // Both generated rule sets: the compose overlay's rules file as is, and the PrometheusRule's groups.
    const rulesDir = join(work, 'rules');
    mkdirSync(rulesDir);
    writeFileSync(join(rulesDir, 'compose.yml'), generated('monitoring/alert-rules.yml'));
    writeFileSync(join(rulesDir, 'k8s.yml'), stringify((parse(generated('deploy/k8s/base/prometheus-rule.yaml')) as Json)['spec']));
    // The job name is what the PodMonitor's jobLabel yields (app.kubernetes.io/name) and the compose job_name.
    const config = {
      global: { scrape_interval: '1s', evaluation_interval: '1s' },
      rule_files: [join(rulesDir, 'compose.yml'), join(rulesDir, 'k8s.yml')],
      scrape_configs: [{ job_name: 'orders', metrics_path: '/metrics', static_configs: scrapeTargets }],
    };
    writeFileSync(join(work, 'prometheus.yml'), stringify(config));
    const port = await freePort();
    prometheusUrl = `http://127.0.0.1:${port}`;
    prometheus = spawn(
      'prometheus',
      [`--config.file=${join(work, 'prometheus.yml')}`, `--storage.tsdb.path=${join(work, 'tsdb')}`, `--web.listen-address=127.0.0.1:${port}`],
      { stdio: ['ignore', 'pipe', 'pipe'] },
    );
    prometheus.stderr?.on('data', (d: Buffer) => (prometheusOutput += d.toString()));
    await waitFor('Prometheus to be ready', async () => ((await fetch(`${prometheusUrl}/-/ready`)).ok ? true : undefined), 60_000).catch((error: Error) => {
      throw new Error(`${error.message}\n${prometheusOutput.slice(-3000)}`);
    });
    await waitFor('a first scrape of every pod', async () => ((await query('sum(up{job="orders"})'))[0]?.value[1] === '4' ? true : undefined), 30_000);
    // A baseline sample before the traffic, so that rates see it start.
    await new Promise((r) => setTimeout(r, 2_000));

    phase('Prometheus scraping four pods');
    for (const pod of ['stable', 'healthy', 'failing'] as const) await callTools(services[Object.keys(HASHES).indexOf(pod)]!.url, 12);
    await waitFor(
      'Prometheus to scrape the tool calls',
      async () =>
        (await query('count(sum by (rollouts_pod_template_hash) (mcp_tool_calls_total{job="orders"}) == 24)'))[0]?.value[1] === '3' ? true : undefined,
      30_000,
    );
  });

  afterAll(async () => {
    for (const probe of probes) clearInterval(probe);
    prometheus?.kill('SIGTERM');
    await Promise.all(services.map((s) => s.stop()));
    await slipway?.registry.stop();
    if (!process.env['SLIPWAY_KEEP_E2E']) rmSync(work, { recursive: true, force: true });
  });

  /** One measurement of every gate metric, with the arguments the Rollout passes as Argo fills them in. */
  async function gate(pod: Pod): Promise<Record<string, { phase: Phase; result: number[] }>> {
    const template = parse(generated('deploy/k8s/base/analysis-template.yaml')) as Json;
    const args: Record<string, string> = { 'pod-template-hash': HASHES[pod], 'stable-pod-template-hash': HASHES.stable, namespace: NAMESPACE };
    expect(template['spec'].args.map((a: Json) => a['name']).sort()).toEqual(Object.keys(args).sort());
    const measurements: Record<string, { phase: Phase; result: number[] }> = {};
    for (const metric of template['spec'].metrics as Json[]) {
      const filled = String(metric['provider'].prometheus.query).replace(/\{\{args\.([\w-]+)\}\}/g, (_, name: string) => args[name]!);
      // Argo's Prometheus provider hands the conditions a vector's sample values as `result`.
      const result = (await query(filled)).map((sample) => Number(sample.value[1]));
      measurements[String(metric['name'])] = { phase: argoPhase(metric, result), result };
    }
    return measurements;
  }

  it('passes a healthy canary: few tool errors, latency like the stable pods, no 5xx', async () => {
    const measured = await gate('healthy');
    expect(
      Object.values(measured).map((m) => m.phase),
      JSON.stringify(measured),
    ).toEqual(['Successful', 'Successful', 'Successful']);
    expect(measured['tool-error-ratio']!.result).toEqual([0]);
  });

  it('fails a canary whose tool throws, though every HTTP response was 200', async () => {
    const measured = await gate('failing');
    // Half the calls threw (rate extrapolation differs a little between series born at different scrapes).
    expect(measured['tool-error-ratio']!.phase, JSON.stringify(measured)).toBe('Failed');
    expect(measured['tool-error-ratio']!.result[0]).toBeCloseTo(0.5, 1);
    // What the HTTP-only gate saw: nothing wrong.
    expect(measured['http-success-rate']).toMatchObject({ phase: 'Successful', result: [1] });
  });

  it('is inconclusive for a canary that has had no traffic', async () => {
    const measured = await gate('idle');
    expect(
      Object.values(measured).map((m) => m.phase),
      JSON.stringify(measured),
    ).toEqual(['Inconclusive', 'Inconclusive', 'Inconclusive']);
  });

  it('answers every Grafana panel query with a series', async () => {
    const dashboard = JSON.parse(generated('monitoring/grafana/dashboards/orders.json')) as Json;
    const targets = (dashboard['panels'] as Json[]).flatMap((panel) =>
      (panel['targets'] as Json[]).map((t) => ({ panel: String(panel['title']), expr: String(t['expr']) })),
    );
    expect(targets.length).toBeGreaterThanOrEqual(8);
    for (const { panel, expr } of targets) {
      // $__rate_interval: at least four scrape intervals, as Grafana computes it.
      expect(await query(expr.replaceAll('$__rate_interval', '30s')), `${panel}: ${expr}`).not.toEqual([]);
    }
  });

  it('loads every alert rule, evaluates each without error, and each expression returns a series', async () => {
    const groups = await waitFor(
      'every rule to have been evaluated',
      async () => {
        const body = (await (await fetch(`${prometheusUrl}/api/v1/rules`)).json()) as { data: { groups: Array<{ file: string; rules: LoadedRule[] }> } };
        return body.data.groups.every((g) => g.rules.every((r) => !r.lastEvaluation.startsWith('0001'))) ? body.data.groups : undefined;
      },
      20_000,
    );
    const rules = groups.flatMap((g) => g.rules.map((r) => ({ file: g.file, ...r })));
    expect(rules.filter((r) => r.health !== 'ok').map((r) => `${r.file} ${r.name}: ${r.lastError}`)).toEqual([]);
    expect(rules).toHaveLength(14);
    for (const rule of rules) {
      // With `bool`, a comparison keeps every series (0 or 1): the selectors, windows and label matching all return data.
      const measured = rule.query.replace(/ (>=|<=|>|<|==|!=) (?=-?[\d.]+(\)|\s|$))/g, ' $1 bool ');
      expect(await query(measured), `${rule.file} ${rule.name}: ${measured}`).not.toEqual([]);
    }
    // The failing canary's thrown tool calls (a sixth of all calls) burn the 99% tool-success budget 14.4 times over.
    for (const file of ['compose.yml', 'k8s.yml']) {
      const burn = rules.find((r) => r.file.endsWith(file) && r.name === 'McpToolErrorsBudgetBurnFast')!;
      expect(await query(burn.query), `${file}: ${burn.query}`).not.toEqual([]);
    }
  });
});

/** The labels the Prometheus Operator puts on a PodMonitor's series: job from jobLabel, podTargetLabels copied (sanitised), namespace and pod. */
function podMonitorLabels(podMonitor: Json, pod: string, podLabels: Record<string, string>): Json {
  const spec = podMonitor['spec'] as Json;
  const labels: Json = { namespace: NAMESPACE, pod, container: 'orders', endpoint: spec['podMetricsEndpoints'][0].port };
  for (const label of (spec['podTargetLabels'] as string[] | undefined) ?? []) labels[label.replace(/[^a-zA-Z0-9_]/g, '_')] = podLabels[label];
  // The scrape job is named "orders" (job_name), which is what jobLabel makes of the pods' app.kubernetes.io/name.
  expect(podLabels[String(spec['jobLabel'])]).toBe('orders');
  return labels;
}

/** Argo's decision for one measurement: failureCondition, then successCondition, else inconclusive. */
function argoPhase(metric: Json, result: number[]): Phase {
  const holds = (condition: string): boolean => {
    // The generated conditions use len(), indexing, comparisons and &&; anything else is not evaluated here.
    expect(condition).toMatch(/^[\w\s.()[\]<>=&|!]+$/);
    // eslint-disable-next-line @typescript-eslint/no-implied-eval -- Slipway's own generated condition, limited by the pattern above; Argo's expr language has no JS evaluator here
    return Boolean(new Function('result', `return ${condition.replace(/\blen\(result\)/g, 'result.length')};`)(result));
  };
  if (holds(String(metric['failureCondition']))) return 'Failed';
  return holds(String(metric['successCondition'])) ? 'Successful' : 'Inconclusive';
}

/** A tool as a user adds one: it asks a pricing backend, and fails (throws) while that backend is down. */
function addPriceQuoteTool(service: string): void {
  addTools(service, {
    file: 'price-quote.ts',
    source: `import { defineTool } from '@slipway/mcp-runtime';
import { z } from 'zod';

export const priceQuoteTool = defineTool({
  name: 'price_quote',
  description: 'Quotes the current price of a product.',
  inputSchema: z.object({ sku: z.string().min(1) }),
  outputSchema: z.object({ sku: z.string(), cents: z.number().int() }),
  handler: ({ sku }) => {
    if (process.env['PRICE_SOURCE_DOWN'] === 'true') throw new Error('the pricing backend is unreachable');
    return { sku, cents: 1299 };
  },
});
`,
    imports: ['priceQuoteTool'],
    tools: 'priceQuoteTool',
  });
}

/** Calls both tools `times` times each through a real MCP client. */
async function callTools(baseUrl: string, times: number): Promise<void> {
  const client = new Client({ name: 'slipway-gate-e2e', version: '1.0.0' });
  await client.connect(new StreamableHTTPClientTransport(new URL(`${baseUrl}/mcp`)));
  try {
    for (let i = 0; i < times; i++) {
      const stats = await client.callTool({ name: 'text_stats', arguments: { text: `Ship it ${i}.` } });
      expect(stats.isError).toBeFalsy();
      await client.callTool({ name: 'price_quote', arguments: { sku: `SKU-${i}` } });
    }
  } finally {
    await client.close();
  }
}
