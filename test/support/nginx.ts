import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { waitFor } from './ports.js';

/** Debian's nginx on loopback, balancing round robin over the given upstream ports. */
export interface LoadBalancer {
  readonly url: string;
  /** One line per request: `$upstream_addr $status "$http_traceparent"` (a retried request lists each upstream tried). */
  accessLog(): string;
  stop(): Promise<void>;
}

/** Starts nginx in `dir` (its config, logs and temp files) on `port`; resolves once it proxies `/healthz`. */
export async function startRoundRobin(dir: string, port: number, upstreams: readonly number[]): Promise<LoadBalancer> {
  for (const sub of ['body', 'proxy', 'fastcgi', 'uwsgi', 'scgi']) mkdirSync(join(dir, sub), { recursive: true });
  const conf = `daemon off;
worker_processes 1;
pid ${dir}/nginx.pid;
error_log ${dir}/error.log warn;
events { worker_connections 1024; }
http {
  log_format lb '$upstream_addr $status "$http_traceparent"';
  access_log ${dir}/access.log lb;
  client_body_temp_path ${dir}/body;
  proxy_temp_path ${dir}/proxy;
  fastcgi_temp_path ${dir}/fastcgi;
  uwsgi_temp_path ${dir}/uwsgi;
  scgi_temp_path ${dir}/scgi;
  upstream replicas {
${upstreams.map((upstream) => `    server 127.0.0.1:${upstream};`).join('\n')}
    keepalive 32;
  }
  server {
    listen 127.0.0.1:${port};
    location / {
      proxy_pass http://replicas;
      proxy_http_version 1.1;
      proxy_set_header Connection "";
      proxy_set_header Host 127.0.0.1;
      proxy_buffering off;
      # A replica that refuses or drops the connection before answering: try the next one, POST
      # included (non_idempotent). Safe for the read-only calls the tests send under load; a
      # service whose tools write decides this for itself.
      proxy_next_upstream error timeout http_502 non_idempotent;
      proxy_next_upstream_tries 3;
      proxy_connect_timeout 1s;
    }
  }
}
`;
  writeFileSync(join(dir, 'nginx.conf'), conf);
  const child: ChildProcess = spawn('nginx', ['-c', join(dir, 'nginx.conf'), '-p', dir], { stdio: ['ignore', 'ignore', 'pipe'] });
  let output = '';
  child.stderr?.on('data', (d: Buffer) => (output += d.toString()));
  const exited = new Promise<void>((resolve) => child.on('exit', () => resolve()));
  const url = `http://127.0.0.1:${port}`;
  await waitFor(
    'nginx to proxy /healthz',
    async () => {
      if (child.exitCode !== null) throw new Error(`nginx exited ${child.exitCode}: ${output}`);
      return (await fetch(`${url}/healthz`)).ok ? true : undefined;
    },
    20_000,
  );
  return {
    url,
    accessLog: () => readFileSync(join(dir, 'access.log'), 'utf8'),
    async stop() {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
      await exited;
    },
  };
}
