import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * Where the tracing variant's spans go: accepts OTLP/HTTP exports on loopback and only counts them,
 * so that the collector's own work stays out of the figures (a real one runs elsewhere).
 */
export interface OtlpSink {
  /** OTEL_EXPORTER_OTLP_ENDPOINT for the service. */
  readonly endpoint: string;
  /** Spans received so far: proof that the variant really traced. */
  spans(): number;
  stop(): Promise<void>;
}

export async function startOtlpSink(): Promise<OtlpSink> {
  let spans = 0;
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      if (req.url === '/v1/traces') spans += Buffer.concat(chunks).toString('utf8').split('"spanId"').length - 1;
      res.writeHead(200, { 'content-type': 'application/json' }).end('{}');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    endpoint: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    spans: () => spans,
    stop: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
