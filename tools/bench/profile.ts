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
  for (const [id, time] of selfById) {
    const leaf = byId.get(id)!;
    if (leaf.callFrame.functionName === '(idle)' || leaf.callFrame.functionName === '(program)') continue;
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
  return { label, totalMs: total / 1000, inclusive: rows(inclusive, focus), self: rows(self) };
}
