// The load generator, run as its own process (pinned to its own core by the parent): autocannon at
// fixed concurrency with valid tools/call requests of one protocol era, every response body checked.
// Input: one JSON argument {url, tool, era, connections, durationSec, warmupSec, maxId, token?}.
// Output: one JSON line.
import { readFileSync } from 'node:fs';
import autocannon from 'autocannon';

const spec = JSON.parse(process.argv[2]);
const TEXT = 'Slipway benchmarks the generated MCP service. It answers tools/call requests! Does it keep up?';
const EXPECTED_WORDS = TEXT.split(/\s+/).filter(Boolean).length;
const MODERN = '2026-07-28';

// 2025-11-25: no initialize (stateless), the client accepts JSON or SSE. 2026-07-28: the per-request
// envelope in params._meta plus the standard headers (SEP-2243) that must match the body.
const headers =
  spec.era === MODERN
    ? {
        'content-type': 'application/json',
        accept: 'application/json, text/event-stream',
        'mcp-protocol-version': MODERN,
        'mcp-method': 'tools/call',
        'mcp-name': spec.tool,
      }
    : { 'content-type': 'application/json', accept: 'application/json, text/event-stream', 'mcp-protocol-version': '2025-11-25' };
if (spec.token) headers.authorization = `Bearer ${spec.token}`;
const META = {
  'io.modelcontextprotocol/protocolVersion': MODERN,
  'io.modelcontextprotocol/clientCapabilities': {},
};

function callBody(id, args) {
  const params = { name: spec.tool, arguments: args, ...(spec.era === MODERN && { _meta: META }) };
  return JSON.stringify({ jsonrpc: '2.0', id, method: 'tools/call', params });
}

/** The JSON-RPC answer from a JSON body or from the `data:` lines of an SSE body. */
function answerOf(body) {
  if (body.startsWith('{')) return JSON.parse(body);
  for (const line of body.split('\n')) {
    if (!line.startsWith('data:')) continue;
    const data = line.slice(5).trim();
    if (data.startsWith('{')) {
      const message = JSON.parse(data);
      if ('result' in message || 'error' in message) return message;
    }
  }
  return undefined;
}

/** Whether the tool's answer is right: its text content parses to the expected value. */
function correct(body, context) {
  try {
    const answer = answerOf(body);
    if (!answer || answer.id !== context.rpcId || !answer.result || answer.result.isError) return false;
    const value = JSON.parse(answer.result.content[0].text);
    return spec.tool === 'text_stats' ? value.words === EXPECTED_WORDS : value.id === context.noteId;
  } catch {
    return false;
  }
}

let bad = 0;
let sseAnswers = 0;
let firstBad;
let sequence = 0;
const request = {
  method: 'POST',
  path: new URL(spec.url).pathname,
  headers,
  setupRequest(req, context) {
    context.rpcId = ++sequence;
    if (spec.tool === 'text_stats') req.body = callBody(context.rpcId, { text: TEXT });
    else {
      context.noteId = 1 + (context.rpcId % spec.maxId);
      req.body = callBody(context.rpcId, { id: context.noteId });
    }
    return req;
  },
  onResponse(status, body, context) {
    if (!String(body).startsWith('{')) sseAnswers += 1;
    if (status !== 200 || !correct(body, context)) {
      bad += 1;
      firstBad ??= `${status} ${String(body).slice(0, 300)}`;
    }
  },
};

function run(durationSec) {
  return new Promise((resolve, reject) => {
    autocannon({ url: new URL(spec.url).origin, connections: spec.connections, duration: durationSec, requests: [request] }, (error, result) =>
      error ? reject(error) : resolve(result),
    );
  });
}

/** The server's user + system CPU time so far, in ms (Linux /proc; NaN elsewhere). */
function serverCpuMs() {
  try {
    // Fields after the command name (which may hold spaces): utime and stime are the 12th and 13th.
    const stat = readFileSync(`/proc/${spec.serverPid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return ((Number(fields[11]) + Number(fields[12])) * 1000) / CLOCK_TICKS;
  } catch {
    return Number.NaN;
  }
}
const CLOCK_TICKS = 100; // USER_HZ: 100 on every Linux the bench runs on

if (spec.warmupSec > 0) await run(spec.warmupSec);
bad = 0;
sseAnswers = 0;
firstBad = undefined;
const cpuBefore = serverCpuMs();
const result = await run(spec.durationSec);
const cpuMs = serverCpuMs() - cpuBefore;
process.stdout.write(
  `${JSON.stringify({
    requests: result.requests.total,
    reqPerSec: result.requests.average,
    p50: result.latency.p50,
    p99: result.latency.p99,
    errors: result.errors,
    timeouts: result.timeouts,
    non2xx: result.non2xx,
    badBodies: bad,
    sseAnswers,
    cpuMsPerRequest: result.requests.total > 0 ? cpuMs / result.requests.total : Number.NaN,
    firstBad,
  })}\n`,
);
