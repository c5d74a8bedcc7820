// Minimal node:http client for tests that need full control over headers (Host, Content-Length).
import { request as httpRequest, type Agent } from 'node:http';
import { Writable } from 'node:stream';
import { pino, type Logger } from 'pino';
import { baseConfigSchema, parseConfig, type BaseConfig } from '../config.js';

export interface RawResponse {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

export function rawRequest(
  url: string,
  options: { method?: string; headers?: Record<string, string>; body?: string | Buffer; agent?: Agent } = {},
): Promise<RawResponse> {
  return new Promise((resolve, reject) => {
    const req = httpRequest(url, { method: options.method ?? 'GET', headers: options.headers, ...(options.agent && { agent: options.agent }) }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks).toString('utf8') }));
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end(options.body);
  });
}

export const MCP_HEADERS = {
  'content-type': 'application/json',
  accept: 'application/json, text/event-stream',
} as const;

export function testConfig(overrides: Partial<BaseConfig> = {}): BaseConfig {
  return { ...parseConfig(baseConfigSchema, { LOG_LEVEL: 'info' }), PORT: 0, ...overrides };
}

/** A logger whose JSON lines are collected in memory for assertions. */
export function memoryLogger(): { logger: Logger; lines: Array<Record<string, unknown>> } {
  const lines: Array<Record<string, unknown>> = [];
  const sink = new Writable({
    write(chunk: Buffer, _encoding, callback) {
      for (const line of chunk.toString('utf8').split('\n')) if (line.trim() !== '') lines.push(JSON.parse(line) as Record<string, unknown>);
      callback();
    },
  });
  return { logger: pino({ level: 'info' }, sink), lines };
}
