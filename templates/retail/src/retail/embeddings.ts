import { createHash } from 'node:crypto';

/** Turns texts into unit-length vectors of a fixed size; what the embeddings table and search share. */
export interface EmbeddingProvider {
  /** Recorded with each stored vector, so that search never compares vectors of different models. */
  readonly model: string;
  readonly dimensions: number;
  embed(texts: readonly string[], signal?: AbortSignal): Promise<number[][]>;
}

/** Matches `vector(256)` in the embeddings migration. */
export const EMBEDDING_DIMENSIONS = 256;

function l2Normalize(vector: number[]): number[] {
  const norm = Math.sqrt(vector.reduce((sum, v) => sum + v * v, 0));
  return norm === 0 ? vector : vector.map((v) => v / norm);
}

function tokens(text: string): string[] {
  return text
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .split(/[^a-z0-9]+/)
    .filter((t) => t.length > 1)
    .map((t) => (t.length > 4 && t.endsWith('s') && !t.endsWith('ss') ? t.slice(0, -1) : t));
}

/**
 * A deterministic, offline embedding: feature hashing of words (weight 1) and of character
 * trigrams of each word (weight 0.5, so "espresso" also meets "espressos" and typos), signed,
 * then L2-normalised. No model, no network: it finds shared vocabulary, not synonyms; use Azure
 * OpenAI for meaning.
 */
export function localEmbeddings(dimensions = EMBEDDING_DIMENSIONS): EmbeddingProvider {
  const bucket = (feature: string): [number, number] => {
    const digest = createHash('sha256').update(feature).digest();
    return [digest.readUInt32BE(0) % dimensions, digest[4]! & 1 ? 1 : -1];
  };
  const embedOne = (text: string): number[] => {
    const vector = new Array<number>(dimensions).fill(0);
    const add = (feature: string, weight: number) => {
      const [index, sign] = bucket(feature);
      vector[index]! += sign * weight;
    };
    for (const word of tokens(text)) {
      add(`w:${word}`, 1);
      const padded = `^${word}$`;
      for (let i = 0; i + 3 <= padded.length; i++) add(`c:${padded.slice(i, i + 3)}`, 0.5);
    }
    return l2Normalize(vector);
  };
  return {
    model: `local-hash-${dimensions}`,
    dimensions,
    embed: async (texts) => texts.map(embedOne),
  };
}

/** An OAuth access token source for Azure (Microsoft Entra ID); `@azure/identity` credentials fit via a one-line adapter. */
export interface TokenProvider {
  getToken(scope: string, signal?: AbortSignal): Promise<string>;
}

const COGNITIVE_SERVICES_SCOPE = 'https://cognitiveservices.azure.com/.default';

/**
 * Managed identity without an SDK: the App Service / Container Apps endpoint (IDENTITY_ENDPOINT
 * and IDENTITY_HEADER, set by the platform) when present, else the VM instance metadata service.
 * Tokens are cached until five minutes before they expire.
 */
export function managedIdentityTokenProvider(options: {
  clientId?: string;
  env?: Record<string, string | undefined>;
  fetch?: typeof fetch;
}): TokenProvider {
  const env = options.env ?? process.env;
  const doFetch = options.fetch ?? fetch;
  const cache = new Map<string, { token: string; refreshAt: number }>();
  return {
    async getToken(scope, signal) {
      const cached = cache.get(scope);
      if (cached && cached.refreshAt > Date.now()) return cached.token;
      const resource = scope.replace(/\/\.default$/, '');
      const endpoint = env['IDENTITY_ENDPOINT'];
      const header = env['IDENTITY_HEADER'];
      let url: URL;
      let headers: Record<string, string>;
      if (endpoint && header) {
        url = new URL(endpoint);
        url.searchParams.set('api-version', '2019-08-01');
        headers = { 'x-identity-header': header };
      } else {
        url = new URL('http://169.254.169.254/metadata/identity/oauth2/token');
        url.searchParams.set('api-version', '2018-02-01');
        headers = { metadata: 'true' };
      }
      url.searchParams.set('resource', resource);
      if (options.clientId) url.searchParams.set('client_id', options.clientId);
      const res = await doFetch(url, { headers, ...(signal && { signal }) });
      if (!res.ok) throw new Error(`managed identity token request failed: HTTP ${res.status}`);
      const body = (await res.json()) as { access_token?: string; expires_on?: string | number };
      if (typeof body.access_token !== 'string') throw new Error('managed identity token response has no access_token');
      const expiresOn = Number(body.expires_on) * 1000 || Date.now() + 10 * 60_000;
      cache.set(scope, { token: body.access_token, refreshAt: expiresOn - 5 * 60_000 });
      return body.access_token;
    },
  };
}

export interface AzureOpenAiOptions {
  /** https://<resource>.openai.azure.com */
  endpoint: string;
  /** The deployment of text-embedding-3-small (or -large). */
  deployment: string;
  apiVersion?: string;
  /** An API key; or leave it out and pass a tokenProvider (managed identity). */
  apiKey?: string;
  tokenProvider?: TokenProvider;
  dimensions?: number;
  fetch?: typeof fetch;
  /** Inputs per request (the service accepts up to 2048). */
  batchSize?: number;
}

/** Azure OpenAI embeddings over REST, authenticated with an API key or a Microsoft Entra token. */
export function azureOpenAiEmbeddings(options: AzureOpenAiOptions): EmbeddingProvider {
  if (options.apiKey === undefined && options.tokenProvider === undefined) {
    throw new TypeError('Azure OpenAI embeddings need an apiKey or a tokenProvider');
  }
  const dimensions = options.dimensions ?? EMBEDDING_DIMENSIONS;
  const doFetch = options.fetch ?? fetch;
  const batchSize = options.batchSize ?? 256;
  const url = new URL(`/openai/deployments/${encodeURIComponent(options.deployment)}/embeddings`, options.endpoint);
  url.searchParams.set('api-version', options.apiVersion ?? '2024-10-21');

  async function embedBatch(input: readonly string[], signal?: AbortSignal): Promise<number[][]> {
    const auth: Record<string, string> = options.apiKey
      ? { 'api-key': options.apiKey }
      : { authorization: `Bearer ${await options.tokenProvider!.getToken(COGNITIVE_SERVICES_SCOPE, signal)}` };
    const res = await doFetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...auth },
      body: JSON.stringify({ input, dimensions }),
      ...(signal && { signal }),
    });
    if (!res.ok) throw new Error(`Azure OpenAI embeddings failed: HTTP ${res.status} ${(await res.text()).slice(0, 200)}`);
    const body = (await res.json()) as { data: Array<{ index: number; embedding: number[] }> };
    const vectors = [...body.data].sort((a, b) => a.index - b.index).map((d) => d.embedding);
    if (vectors.length !== input.length || vectors.some((v) => v.length !== dimensions)) {
      throw new Error(`Azure OpenAI returned ${vectors.length} embeddings of ${vectors[0]?.length} dimensions; expected ${input.length} of ${dimensions}`);
    }
    return vectors.map(l2Normalize);
  }

  return {
    model: `azure-openai:${options.deployment}:${dimensions}`,
    dimensions,
    async embed(texts, signal) {
      const out: number[][] = [];
      for (let i = 0; i < texts.length; i += batchSize) out.push(...(await embedBatch(texts.slice(i, i + batchSize), signal)));
      return out;
    },
  };
}

/** pgvector's text form: '[0.1,0.2,...]'. */
export function toVectorLiteral(vector: readonly number[]): string {
  return `[${vector.map((v) => (Number.isFinite(v) ? Number(v.toFixed(7)) : 0)).join(',')}]`;
}

