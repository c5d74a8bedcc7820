import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';

/** Where a missed target's time goes: a V8 CPU profile (`node --cpu-prof`) summed by function. */

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  children?: number[];
}

interface CpuProfile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
}

export interface FrameTime {
  readonly frame: string;
  readonly ms: number;
  readonly share: number;
}

export interface ProfileSummary {
  readonly label: string;
  readonly totalMs: number;
  /** Inclusive time of the frames matching the focus, largest first. */
  readonly inclusive: readonly FrameTime[];
  /** Self time, largest first: what the CPU actually ran. */
  readonly self: readonly FrameTime[];
  /** Self time by who runs it (see AREAS), largest first. */
  readonly areas: readonly AreaTime[];
}

export interface AreaTime {
  readonly area: Area;
  readonly ms: number;
  readonly share: number;
}

/**
 * Who a sample's time belongs to: the nearest frame, from the leaf up, whose script says it. A native
 * frame (`writev`, `JSON.stringify`) or one of Node's general-purpose modules (fs, buffer, events,
 * url) belongs to its caller; Node's HTTP, socket and web-stream modules are areas of their own.
 */
const AREAS = [
  ['Slipway runtime', /@slipway\/mcp-runtime\//],
  ['Logging (pino)', /node_modules\/(pino|@pinojs|sonic-boom|thread-stream)\//],
  ['Metrics (prom-client)', /node_modules\/prom-client\//],
  ['Tracing (OpenTelemetry)', /node_modules\/@opentelemetry\//],
  ['Auth (jose)', /node_modules\/jose\//],
  ['zod (validation the SDK runs)', /node_modules\/zod\//],
  ['MCP SDK', /node_modules\/@modelcontextprotocol\//],
  ['The tool (service code)', /\/dist\/capabilities\//],
  ['Web Request/Response (undici, web streams)', /undici|node:internal\/(webstreams|abort_controller|worker\/js_transferable|event_target)/],
  ['Node HTTP and sockets', /node:(_http|net|internal\/(stream_base_commons|streams|http|net))/],
] as const satisfies ReadonlyArray<readonly [string, RegExp]>;
export type Area = (typeof AREAS)[number][0] | 'Garbage collector' | 'Other (V8, microtasks, timers)';
/** What Slipway adds on top of the SDK, for the ceiling: everything else any SDK-based server pays too. */
export const SLIPWAY_AREAS: ReadonlySet<Area> = new Set([
  'Slipway runtime',
  'Logging (pino)',
  'Metrics (prom-client)',
  'Tracing (OpenTelemetry)',
  'Auth (jose)',
]);

function areaOf(id: number, byId: ReadonlyMap<number, ProfileNode>, parent: ReadonlyMap<number, number>): Area {
  if (byId.get(id)?.callFrame.functionName === '(garbage collector)') return 'Garbage collector';
  for (let cur: number | undefined = id; cur !== undefined; cur = parent.get(cur)) {
    const url = byId.get(cur)!.callFrame.url;
    if (url === '') continue;
    for (const [area, pattern] of AREAS) if (pattern.test(url)) return area;
    // Node's general-purpose modules (fs, buffer, events, url) work for their caller.
    if (url.startsWith('node:')) continue;
    return 'Other (V8, microtasks, timers)';
  }
  return 'Other (V8, microtasks, timers)';
}

function frameName(node: ProfileNode): string {
  const { functionName, url, lineNumber } = node.callFrame;
  const path = url.replace(/^file:\/\//, '');
  const nm = path.lastIndexOf('node_modules/');
  const short = nm >= 0 ? path.slice(nm + 'node_modules/'.length) : path.split('/').slice(-3).join('/');
  return `${functionName || '(anonymous)'} ${short ? `${short}:${lineNumber + 1}` : ''}`.trim();
}

/** Summarizes the one .cpuprofile in `dir`. */
export function summarizeProfile(label: string, dir: string, focus: RegExp, top = 12): ProfileSummary {
  const file = readdirSync(dir).find((f) => f.endsWith('.cpuprofile'));
  if (!file) throw new Error(`no .cpuprofile in ${dir}`);
  const profile = JSON.parse(readFileSync(join(dir, file), 'utf8')) as CpuProfile;
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const parent = new Map<number, number>();
  for (const node of profile.nodes) for (const child of node.children ?? []) parent.set(child, node.id);
  const selfById = new Map<number, number>();
  let total = 0;
  profile.samples.forEach((id, i) => {
    const dt = profile.timeDeltas[i] ?? 0;
    selfById.set(id, (selfById.get(id) ?? 0) + dt);
    total += dt;
  });
  const inclusive = new Map<string, number>();
  const self = new Map<string, number>();
  const areas = new Map<Area, number>();
  let busy = 0;
  for (const [id, time] of selfById) {
    const leaf = byId.get(id)!;
    if (leaf.callFrame.functionName === '(idle)' || leaf.callFrame.functionName === '(program)') continue;
    const area = areaOf(id, byId, parent);
    areas.set(area, (areas.get(area) ?? 0) + time);
    busy += time;
    self.set(frameName(leaf), (self.get(frameName(leaf)) ?? 0) + time);
    const seen = new Set<string>();
    for (let cur: number | undefined = id; cur !== undefined; cur = parent.get(cur)) {
      const name = frameName(byId.get(cur)!);
      if (seen.has(name)) continue;
      seen.add(name);
      inclusive.set(name, (inclusive.get(name) ?? 0) + time);
    }
  }
  const rows = (map: Map<string, number>, filter?: RegExp) =>
    [...map]
      .filter(([frame]) => !filter || filter.test(frame))
      .sort((a, b) => b[1] - a[1])
      .slice(0, top)
      .map(([frame, us]) => ({ frame, ms: us / 1000, share: total === 0 ? 0 : us / total }));
  const areaRows = [...areas].sort((a, b) => b[1] - a[1]).map(([area, us]) => ({ area, ms: us / 1000, share: busy === 0 ? 0 : us / busy }));
  return { label, totalMs: total / 1000, inclusive: rows(inclusive, focus), self: rows(self), areas: areaRows };
}
