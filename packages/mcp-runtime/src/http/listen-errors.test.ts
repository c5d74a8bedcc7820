import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { capabilities, info } from '../__fixtures__/sample.js';
import { memoryLogger, testConfig } from '../__fixtures__/http-client.js';
import { ConfigError } from '../config.js';
import { startHttpService } from './service.js';

const start = (overrides: Parameters<typeof testConfig>[0]) =>
  startHttpService({ info, capabilities, config: testConfig(overrides), logger: memoryLogger().logger, handleSignals: false });

describe('listen errors name the variable', () => {
  it('HOST that is not an address of this machine', async () => {
    const error = await start({ HOST: '203.0.113.7' }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as ConfigError).variables).toEqual(['HOST']);
    expect((error as Error).message).toBe(
      'Invalid configuration: HOST "203.0.113.7" is not an address of this machine (EADDRNOTAVAIL): use 0.0.0.0 (every interface), 127.0.0.1 or one of its own addresses',
    );
  });

  it('HOST that does not resolve', async () => {
    const error = await start({ HOST: 'no-such-host.invalid' }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as Error).message).toMatch(/^Invalid configuration: HOST "no-such-host\.invalid" does not resolve \((ENOTFOUND|EAI_AGAIN|EAI_FAIL)\)/);
  });

  it('PORT in use', async () => {
    const first = await start({});
    try {
      const error = await start({ PORT: first.port }).catch((e: unknown) => e);
      expect((error as Error).message).toBe(
        `Invalid configuration: PORT ${first.port} is already in use on "127.0.0.1": stop the other process or pick another port`,
      );
    } finally {
      await first.close();
    }
  });

  it('a process that owns its signals exits 1 with the one line', async () => {
    const child = spawn(process.execPath, ['--import', 'tsx', fileURLToPath(new URL('../__fixtures__/http-child.ts', import.meta.url))], {
      env: { ...process.env, HOST: '203.0.113.7' },
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    let stderr = '';
    child.stderr?.on('data', (d: Buffer) => (stderr += d.toString()));
    const code = await new Promise<number | null>((resolve) => child.on('exit', resolve));
    expect(code).toBe(1);
    expect(stderr.trim().split('\n')).toEqual([
      'Invalid configuration: HOST "203.0.113.7" is not an address of this machine (EADDRNOTAVAIL): use 0.0.0.0 (every interface), 127.0.0.1 or one of its own addresses',
    ]);
  });
});
