// One replica for test/replicas.e2e.ts: a service as generated for PostgreSQL (migrations, the
// cross-replica event bus, shared rate limits, tracing from env), with bearer tokens `token-<tenant>`
// accepted by a test verifier. Prints "READY <url> <pid>" on stderr once listening.
import { fileURLToPath } from 'node:url';
import type { AuthInfo } from '@modelcontextprotocol/server';
import { z } from 'zod';
import { baseConfigSchema, createLogger, createServiceEventBus, defineTool, inputRequired, InvalidTokenError, loadConfig, startHttpService } from '../index.js';
import { exitOnDatabaseError, openServiceDatabase } from '../database/index.js';

const config = loadConfig(baseConfigSchema);
const logger = createLogger({ name: 'replica', level: process.env['REPLICA_LOG_LEVEL'] ?? 'warn', destination: 'stderr' });
const db = await openServiceDatabase(config, {
  migrationsDir: fileURLToPath(new URL('./migrations/basic/', import.meta.url)),
  logger,
}).catch(exitOnDatabaseError);
const events = await createServiceEventBus(config, { logger, database: db }).catch(exitOnDatabaseError);

const pid = process.pid;
const countNotes = defineTool({
  name: 'count_notes',
  description: 'Counts notes (a database read); says which replica answered',
  inputSchema: z.object({}),
  handler: async () => {
    const { rows } = await db.query<{ n: number }>('SELECT count(*)::int AS n FROM notes');
    return { n: rows[0]?.n ?? 0, pid };
  },
});
const limited = defineTool({
  name: 'limited',
  description: 'A tool with a small rate limit (RATE_LIMITS)',
  inputSchema: z.object({}),
  handler: () => ({ pid }),
});
const touch = defineTool({
  name: 'touch',
  description: 'Publishes tools/list_changed to every replica',
  inputSchema: z.object({}),
  handler: async (_args, ctx) => {
    await ctx.publish({ type: 'tools/list_changed' });
    return { pid };
  },
});

// Two rounds (input-required): the sealed state names the replica of the first, the answer both.
const confirm = defineTool({
  name: 'confirm',
  description: 'Asks the user to confirm, then says which replicas served the two rounds',
  inputSchema: z.object({}),
  inputRequired: true,
  handler: (_args, ctx) => {
    const answer = ctx.input('ok');
    const state = ctx.requestState<{ first: number }>();
    if (answer.kind !== 'elicit' || state === undefined) {
      return inputRequired({
        inputRequests: {
          ok: inputRequired.elicit({ message: 'Go on?', requestedSchema: { type: 'object', properties: { ok: { type: 'boolean' } }, required: ['ok'] } }),
        },
        requestState: ctx.sealState({ first: pid }),
      });
    }
    return { first: state.first, second: pid, ok: answer.content?.['ok'] === true };
  },
});

const service = await startHttpService({
  info: { name: 'replica', version: '0.0.0' },
  config,
  logger,
  capabilities: { tools: [countNotes, limited, touch, confirm] },
  database: db,
  events,
  auth: {
    issuer: 'https://issuer.test',
    audience: 'replica',
    jwksUrl: 'https://issuer.test/jwks',
    resource: 'http://127.0.0.1/mcp',
    verifier: {
      async verify(token): Promise<AuthInfo> {
        const match = /^token-([a-z]+)$/.exec(token);
        if (match === null) throw new InvalidTokenError('unknown token');
        return { token, clientId: 'test', scopes: [], extra: { sub: `user-of-${match[1]}`, tenant: match[1] } };
      },
    },
  },
  readiness: { database: () => db.ping() },
  onShutdown: [() => events.close(), () => db.close()],
});
process.stderr.write(`READY ${service.url} ${pid}\n`);
