import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { azureOpenAiEmbeddings, localEmbeddings, managedIdentityTokenProvider } from '../src/retail/embeddings.js';

const cosine = (a: number[], b: number[]) => a.reduce((sum, v, i) => sum + v * b[i]!, 0);

describe('local embeddings', () => {
  const provider = localEmbeddings();

  it('are deterministic, unit length and of the table size', async () => {
    const [a, b] = await provider.embed(['Espresso machine with a steam wand', 'Espresso machine with a steam wand']);
    expect(a).toEqual(b);
    expect(a).toHaveLength(256);
    expect(cosine(a!, a!)).toBeCloseTo(1, 6);
  });

  it('put shared vocabulary closer than unrelated text', async () => {
    const [query, coffee, tent] = await provider.embed(['espresso machines', 'Dual boiler espresso machine for cafe-quality espresso', 'Six-person dome tent for family camping']);
    expect(cosine(query!, coffee!)).toBeGreaterThan(cosine(query!, tent!) + 0.2);
  });
});

/** A loopback stand-in for Azure: the OpenAI embeddings route and the managed identity endpoint. */
describe('Azure OpenAI embeddings', () => {
  let server: Server;
  let base: string;
  const seen: Array<{ url: string; headers: IncomingMessage['headers']; body: unknown }> = [];

  beforeAll(async () => {
    server = createServer((req, res) => {
      let raw = '';
      req.on('data', (chunk: Buffer) => (raw += chunk.toString()));
      req.on('end', () => {
        seen.push({ url: req.url ?? '', headers: req.headers, body: raw ? JSON.parse(raw) : undefined });
        res.setHeader('content-type', 'application/json');
        if (req.url?.startsWith('/msi')) {
          res.end(JSON.stringify({ access_token: 'mi-token', expires_on: String(Math.floor(Date.now() / 1000) + 3600) }));
          return;
        }
        const { input, dimensions } = JSON.parse(raw) as { input: string[]; dimensions: number };
        // Reversed order on purpose: the client must sort by index.
        const data = input.map((_, index) => ({ index, embedding: Array.from({ length: dimensions }, (_v, d) => (d === index ? 3 : 0)) })).reverse();
        res.end(JSON.stringify({ data }));
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

  it('calls the deployment with an API key and asks for 256 dimensions', async () => {
    const provider = azureOpenAiEmbeddings({ endpoint: base, deployment: 'text-embedding-3-small', apiKey: 'secret', batchSize: 2 });
    const vectors = await provider.embed(['a', 'b', 'c']);
    expect(vectors.map((v) => v.indexOf(1))).toEqual([0, 1, 0]);
    const calls = seen.filter((s) => s.url.startsWith('/openai/deployments/text-embedding-3-small/embeddings?api-version='));
    expect(calls).toHaveLength(2);
    expect(calls[0]?.headers['api-key']).toBe('secret');
    expect(calls[0]?.body).toEqual({ input: ['a', 'b'], dimensions: 256 });
    expect(provider.model).toBe('azure-openai:text-embedding-3-small:256');
  });

  it('uses a managed identity token when there is no key, and caches it', async () => {
    seen.length = 0;
    const tokens = managedIdentityTokenProvider({ env: { IDENTITY_ENDPOINT: `${base}/msi`, IDENTITY_HEADER: 'platform-secret' }, clientId: 'user-assigned' });
    const provider = azureOpenAiEmbeddings({ endpoint: base, deployment: 'emb', tokenProvider: tokens });
    await provider.embed(['a']);
    await provider.embed(['b']);
    const identity = seen.filter((s) => s.url.startsWith('/msi'));
    expect(identity).toHaveLength(1);
    expect(identity[0]?.headers['x-identity-header']).toBe('platform-secret');
    expect(identity[0]?.url).toContain('resource=https%3A%2F%2Fcognitiveservices.azure.com');
    expect(identity[0]?.url).toContain('client_id=user-assigned');
    expect(seen.filter((s) => s.url.startsWith('/openai')).every((s) => s.headers.authorization === 'Bearer mi-token')).toBe(true);
  });
});
