import { describe, expect, it } from 'vitest';
import { stepEnvironment } from './runner.js';

describe('stepEnvironment', () => {
  it('drops what `npx --package=<tarball>` set for its own call, so the inner npx finds nx', () => {
    const env = stepEnvironment({ PATH: '/bin', npm_config_package: '/tmp/create-slipway-0.1.0.tgz', npm_config_yes: 'true', npm_config_registry: 'http://r' });
    expect(env).toEqual({ PATH: '/bin', npm_config_registry: 'http://r' });
  });
});
