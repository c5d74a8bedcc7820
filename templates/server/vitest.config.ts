import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // A fresh PGlite spends seconds in initdb: each test file shares one instance.
    testTimeout: 30_000,
    hookTimeout: 60_000,
  },
});
