import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { SLIPWAY_AREAS, summarizeProfile } from './profile.js';

const dir = mkdtempSync(join(tmpdir(), 'slipway-profile-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const RUNTIME = 'file:///w/node_modules/@slipway/mcp-runtime/dist/http/mcp-endpoint.js';
const SDK = 'file:///w/node_modules/@modelcontextprotocol/server/dist/index.mjs';

/** A V8 CPU profile: a call tree of [functionName, url, children], and 1 ms samples per leaf. */
function writeProfile(tree: Array<[string, string, number[]]>, samples: Array<[number, number]>): string {
  const nodes = tree.map(([functionName, url, children], i) => ({ id: i + 1, callFrame: { functionName, url, lineNumber: 0 }, children }));
  const ids = samples.flatMap(([id, count]) => Array<number>(count).fill(id));
  const sub = mkdtempSync(join(dir, 'p-'));
  writeFileSync(join(sub, 'x.cpuprofile'), JSON.stringify({ nodes, samples: ids, timeDeltas: ids.map(() => 1000) }));
  return sub;
}

describe('the profile summary by area', () => {
  it("gives native frames and Node's general-purpose modules to their caller, and HTTP and GC areas of their own", () => {
    const profile = writeProfile(
      [
        ['(root)', '', [2, 9, 10, 12]],
        ['handle', RUNTIME, [3, 5, 7]],
        ['write', 'file:///w/node_modules/sonic-boom/index.js', [4]],
        ['writeSync', 'node:fs', []],
        ['handler.fetch', SDK, [6]],
        ['parse', 'file:///w/node_modules/zod/v4/core/parse.js', []],
        ['end', 'node:_http_outgoing', [8]],
        ['writev', '', []],
        ['(garbage collector)', '', []],
        ['processTicksAndRejections', 'node:internal/process/task_queues', [11]],
        ['(anonymous)', '', []],
        ['(idle)', '', []],
      ],
      [
        [4, 3], // fs.writeSync under sonic-boom: logging
        [6, 2], // zod called by the SDK
        [8, 4], // the socket write under Node's HTTP
        [9, 1],
        [11, 2], // a microtask with no script of its own
        [2, 8], // the runtime's own code
        [12, 50], // idle: not counted
      ],
    );
    const { areas } = summarizeProfile('t', profile, /./);
    const byArea = Object.fromEntries(areas.map((a) => [a.area, a.ms]));
    expect(byArea).toEqual({
      'Slipway runtime': 8,
      'Node HTTP and sockets': 4,
      'Logging (pino)': 3,
      'zod (validation the SDK runs)': 2,
      'Other (V8, microtasks, timers)': 2,
      'Garbage collector': 1,
    });
    expect(areas.reduce((sum, a) => sum + a.share, 0)).toBeCloseTo(1);
    expect(areas.filter((a) => SLIPWAY_AREAS.has(a.area)).reduce((sum, a) => sum + a.ms, 0)).toBe(11);
  });
});
