import { Client } from '@modelcontextprotocol/client';
import { StdioClientTransport } from '@modelcontextprotocol/client/stdio';
import { spawn } from 'node:child_process';
import { createServer } from 'node:http';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';

const REPO_ROOT = fileURLToPath(new URL('../../../', import.meta.url));
const CHILD = fileURLToPath(new URL('./__fixtures__/stdio-child.ts', import.meta.url));

describe('runStdio', () => {
  let client: Client;
  let transport: StdioClientTransport;
  const stdoutLines: string[] = [];
  let stderr = '';

  beforeAll(async () => {
    transport = new StdioClientTransport({
      command: process.execPath,
      args: ['--import', 'tsx', CHILD],
      cwd: REPO_ROOT,
      env: { ...(process.env as Record<string, string>), LOG_LEVEL: 'debug' },
      stderr: 'pipe',
    });
    transport.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    client = new Client({ name: 'stdio-test', version: '1.0.0' });
    // Every line the server writes to stdout reaches the client as a message; record them all.
    await client.connect(transport);
    const onmessage = transport.onmessage;
    transport.onmessage = (message) => {
      stdoutLines.push(JSON.stringify(message));
      onmessage?.(message);
    };
  });
  afterAll(() => client.close());

  it('lists and calls tools over stdio', async () => {
    const { tools } = await client.listTools();
    expect(tools.map((t) => t.name)).toContain('add');
    const result = await client.callTool({ name: 'add', arguments: { a: 4, b: 5 } });
    expect(result.structuredContent).toEqual({ sum: 9 });
    const failed = await client.callTool({ name: 'crash', arguments: {} });
    expect(failed.isError).toBe(true);
  });

  it('keeps stdout for the protocol: logs go to stderr', async () => {
    expect(stdoutLines.length).toBeGreaterThan(0);
    for (const line of stdoutLines) expect(JSON.parse(line)).toMatchObject({ jsonrpc: '2.0' });
    // The crash above was logged with its stack, on stderr.
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(stderr).toContain('serving MCP over stdio');
    expect(stderr).toContain('secret internal detail');
  });
});

/** Starts the child on plain pipes, waits until it serves, and collects its exit and stderr. */
async function startChild(env: Record<string, string> = {}) {
  const child = spawn(process.execPath, ['--import', 'tsx', CHILD], {
    cwd: REPO_ROOT,
    env: { ...(process.env as Record<string, string>), LOG_LEVEL: 'info', ...env },
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  let stderr = '';
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null; stderr: string }>((resolve) =>
    // 'close', not 'exit': lines the child flushes as it exits may still be in the pipe at 'exit'.
    child.once('close', (code, signal) => resolve({ code, signal, stderr })),
  );
  await new Promise<void>((resolve, reject) => {
    child.stderr.on('data', (chunk: Buffer) => {
      stderr += chunk.toString();
      if (stderr.includes('serving MCP over stdio')) resolve();
    });
    child.once('exit', () => reject(new Error(`child exited before serving: ${stderr}`)));
  });
  /** The exit, or a kill and a failure when it takes longer than `ms`. */
  const exit = (ms: number) =>
    Promise.race([
      exited,
      new Promise<never>((_, reject) =>
        setTimeout(() => {
          child.kill('SIGKILL');
          reject(new Error(`child still running ${ms} ms later; stderr: ${stderr}`));
        }, ms),
      ),
    ]);
  return { child, exit };
}

describe('runStdio shutdown', () => {
  it('exits 0 when stdin closes, after closing the server and running the shutdown hooks', async () => {
    const { child, exit } = await startChild();
    child.stdin.end();
    const { code, stderr } = await exit(10_000);
    expect(code).toBe(0);
    expect(stderr).toContain('stdin closed');
    expect(stderr).toContain('database closed');
    expect(stderr).toContain('shutdown complete');
  });

  it('runs the same shutdown on SIGTERM', async () => {
    const { child, exit } = await startChild();
    child.kill('SIGTERM');
    const { code, stderr } = await exit(10_000);
    expect(code).toBe(0);
    expect(stderr).toContain('database closed');
  });

  it('exits 1 when a hook outlasts SHUTDOWN_TIMEOUT_MS', async () => {
    const { child, exit } = await startChild({ STDIO_CHILD_HANG: '1', SHUTDOWN_TIMEOUT_MS: '300' });
    child.stdin.end();
    const { code, stderr } = await exit(10_000);
    expect(code).toBe(1);
    expect(stderr).toContain('shutdown timeout reached');
    expect(stderr).not.toContain('database closed');
  });
});

describe('runStdio tracing', () => {
  it('gives each tool call a span, child of the _meta trace context, exported over OTLP/HTTP by the shutdown', async () => {
    const received: string[] = [];
    const receiver = createServer((req, res) => {
      let body = '';
      req.on('data', (chunk: Buffer) => (body += chunk.toString('utf8')));
      req.on('end', () => {
        if (req.url === '/v1/traces') received.push(body);
        res.writeHead(200, { 'content-type': 'application/json' }).end('{}');
      });
    });
    await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
    const { port } = receiver.address() as { port: number };
    const traceId = '4bf92f3577b34da6a3ce929d0e0e4736';
    const parentSpanId = '00f067aa0ba902b7';
    const transport = new StdioClientTransport({
      command: process.execPath,
      args: ['--import', 'tsx', CHILD],
      cwd: REPO_ROOT,
      env: { ...(process.env as Record<string, string>), OTEL_EXPORTER_OTLP_ENDPOINT: `http://127.0.0.1:${port}`, OTEL_SERVICE_NAME: 'stdio-orders' },
      stderr: 'pipe',
    });
    const client = new Client({ name: 'stdio-trace-test', version: '1.0.0' });
    try {
      await client.connect(transport);
      const result = await client.callTool({ name: 'add', arguments: { a: 1234567, b: 7654321 }, _meta: { traceparent: `00-${traceId}-${parentSpanId}-01` } });
      expect(result.structuredContent).toEqual({ sum: 8888888 });
      // Closing stdin shuts the child down, which flushes the batched spans.
      await client.close();
      await vi.waitFor(() => expect(received.join('\n')).toContain('"name":"tools/call add"'), { timeout: 15_000, interval: 100 });
      const spans = received
        .flatMap((body) => (JSON.parse(body) as { resourceSpans: Array<{ scopeSpans: Array<{ spans: Array<Record<string, unknown>> }> }> }).resourceSpans)
        .flatMap((r) => r.scopeSpans.flatMap((s) => s.spans));
      const call = spans.find((span) => span['name'] === 'tools/call add')!;
      expect(call).toMatchObject({ traceId, parentSpanId });
      expect(received.join('\n')).toContain('"stringValue":"stdio-orders"');
      // Arguments are never recorded.
      expect(JSON.stringify(call['attributes'])).not.toMatch(/1234567|7654321/);
    } finally {
      await client.close();
      await new Promise<void>((resolve) => receiver.close(() => resolve()));
    }
  }, 30_000);
});
