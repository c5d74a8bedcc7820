import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { createLogger, redactUrlCredentials } from './logger.js';

describe('createLogger', () => {
  it('creates a JSON logger at the requested level', () => {
    const logger = createLogger({ name: 'svc', level: 'warn', destination: 'stderr' });
    expect(logger.level).toBe('warn');
    expect(logger.isLevelEnabled('info')).toBe(false);
  });

  it('redacts secrets, credentials in DATABASE_URL, and tool arguments', () => {
    const output: string[] = [];
    const sink = new Writable({
      write(chunk: Buffer, _enc, cb) {
        output.push(chunk.toString());
        cb();
      },
    });
    const logger = createLogger({ name: 'svc', stream: sink });
    logger.info({
      headers: { authorization: 'Bearer abc', cookie: 'sid=1', accept: 'json' },
      user: { password: 'hunter2', name: 'ada' },
      config: { DATABASE_URL: 'postgres://app:s3cret@db:5432/app', DATABASE_MIGRATION_URL: 'postgres://owner:0wner@db:5432/app' },
      args: { query: 'private' },
    });
    const line = output.join('');
    expect(line).not.toMatch(/abc|sid=1|hunter2|s3cret|private/);
    const parsed = JSON.parse(line);
    expect(parsed.name).toBe('svc');
    expect(parsed.headers).toEqual({ authorization: '[REDACTED]', cookie: '[REDACTED]', accept: 'json' });
    expect(parsed.user).toEqual({ password: '[REDACTED]', name: 'ada' });
    expect(parsed.config.DATABASE_URL).toBe('postgres://REDACTED:REDACTED@db:5432/app');
    expect(parsed.config.DATABASE_MIGRATION_URL).toBe('postgres://REDACTED:REDACTED@db:5432/app');
    expect(parsed.args).toBe('[REDACTED]');
  });

  it('leaves credential-free URLs intact', () => {
    expect(redactUrlCredentials('postgres://db:5432/app')).toBe('postgres://db:5432/app');
  });
});
