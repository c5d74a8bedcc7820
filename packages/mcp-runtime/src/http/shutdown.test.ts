import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { capabilities, info } from '../__fixtures__/sample.js';
import { MCP_HEADERS, memoryLogger, rawRequest, testConfig } from '../__fixtures__/http-client.js';
import { startHttpService } from './service.js';

const REPO_ROOT = fileURLToPath(new URL('../../../../', import.meta.url));

describe('graceful shutdown', () => {
  it('drains an in-flight call, refuses new connections, then runs hooks in order', async () => {
    const order: string[] = [];
    const { logger, lines } = memoryLogger();
    let releaseCheck: () => void = () => undefined;
    let checkStarted: () => void = () => undefined;
    const checkRunning = new Promise<void>((resolve) => (checkStarted = resolve));
    const service = await startHttpService({
      info,
      capabilities,
      config: testConfig(),
      logger,
      handleSignals: false,
      readiness: {
        gate: () => {
          checkStarted();
          return new Promise<void>((resolve) => (releaseCheck = resolve));
        },
      },
      onShutdown: [
        // Hooks run only after the in-flight call was answered (its access line is written by then).
        () => void order.push(lines.some((l) => l['route'] === '/mcp' && l['status'] === 200) ? 'first' : 'first-too-early'),
        async () => void order.push('second'),
      ],
    });

    const call = rawRequest(`${service.url}/mcp`, {
      method: 'POST',
      headers: MCP_HEADERS,
      body: JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'tools/call', params: { name: 'slow', arguments: { ms: 300 } } }),
    });
    const readiness = rawRequest(`${service.url}/readyz`);
    await checkRunning;
    await new Promise((resolve) => setTimeout(resolve, 50)); // the slow call is now in its handler

    const closing = service.close();
    expect(service.close()).toBe(closing);
    releaseCheck();
    const ready = await readiness;
    expect(ready.status).toBe(503);
    expect(JSON.parse(ready.body)).toEqual({ status: 'shutting_down' });

    await expect(rawRequest(`${service.url}/healthz`)).rejects.toMatchObject({ code: 'ECONNREFUSED' });

    const response = await call;
    expect(response.status).toBe(200);
    expect(response.headers['connection']).toBe('close');
    expect(JSON.parse(response.body).result.structuredContent).toEqual({ waited: 300 });

    await closing;
    expect(order).toEqual(['first', 'second']);
    expect(service.server.listening).toBe(false);
    expect(lines.at(-1)?.['msg']).toBe('shutdown complete');
  });

  it('keeps the ops listener answering 503 shutting_down while the public one drains, then closes it', async () => {
    const service = await startHttpService({
      info,
      capabilities,
      config: testConfig({ OPS_PORT: 0 }),
      logger: memoryLogger().logger,
      handleSignals: false,
    });
    const ops = service.ops!;
    const call = rawRequest(`${service.url}/mcp`, {
      method: 'POST',
      headers: MCP_HEADERS,
      body: JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'tools/call', params: { name: 'slow', arguments: { ms: 300 } } }),
    });
    await new Promise((resolve) => setTimeout(resolve, 50));
    const closing = service.close();
    await expect(rawRequest(`${service.url}/healthz`)).rejects.toMatchObject({ code: 'ECONNREFUSED' });
    const ready = await rawRequest(`${ops.url}/readyz`);
    expect(ready.status).toBe(503);
    expect(JSON.parse(ready.body)).toEqual({ status: 'shutting_down' });
    expect((await rawRequest(`${ops.url}/metrics`)).status).toBe(200);
    expect((await call).status).toBe(200);
    await closing;
    expect(ops.server.listening).toBe(false);
  });

  it('destroys connections still open after SHUTDOWN_TIMEOUT_MS', async () => {
    const service = await startHttpService({
      info,
      capabilities,
      config: testConfig({ SHUTDOWN_TIMEOUT_MS: 100 }),
      logger: memoryLogger().logger,
      handleSignals: false,
    });
    const call = rawRequest(`${service.url}/mcp`, {
      method: 'POST',
      headers: MCP_HEADERS,
      body: JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'tools/call', params: { name: 'slow', arguments: { ms: 2000 } } }),
    });
    await new Promise((resolve) => setTimeout(resolve, 50));
    const started = performance.now();
    await service.close();
    expect(performance.now() - started).toBeLessThan(1_000);
    await expect(call).rejects.toThrow();
  });

  it('exits 0 on SIGTERM after draining (child process)', async () => {
    const child = spawn(process.execPath, ['--import', 'tsx', fileURLToPath(new URL('../__fixtures__/http-child.ts', import.meta.url))], {
      cwd: REPO_ROOT,
      env: { ...process.env, LOG_LEVEL: 'info' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stderr = '';
    let stdout = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    const url = await new Promise<string>((resolve, reject) => {
      child.stderr.on('data', (chunk: Buffer) => {
        stderr += chunk.toString();
        const match = /READY (\S+)/.exec(stderr);
        if (match?.[1]) resolve(match[1]);
      });
      child.once('exit', (code) => reject(new Error(`child exited early (${code}): ${stderr}`)));
    });
    expect((await rawRequest(`${url}/healthz`)).status).toBe(200);
    // 'close', not 'exit': the log lines written (and flushed) at exit may still be in the pipe at 'exit'.
    const exited = new Promise<number | null>((resolve) => child.once('close', (code) => resolve(code)));
    child.kill('SIGTERM');
    expect(await exited).toBe(0);
    expect(stderr).toContain('hook ran');
    const messages = stdout
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line).msg);
    expect(messages).toContain('signal received');
    expect(messages.at(-1)).toBe('shutdown complete');
  });
});
