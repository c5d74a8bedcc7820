import { defineConfig } from 'vitest/config';

// Two projects: fast unit specs (in-memory Tree, runtime), and end-to-end tests that pack,
// install, build and run generated services.
export default defineConfig({
  test: {
    projects: [
      {
        test: {
          name: 'unit',
          include: [
            'packages/*/src/**/*.{test,spec}.ts',
            'generators/**/*.spec.ts',
            'tools/**/*.spec.ts',
            // The retail SQL guard's tests run from the template itself (they need only libpg-query and fast-check).
            'templates/retail/test/sql-guard*.test.ts',
          ],
          environment: 'node',
          testTimeout: 60_000,
          hookTimeout: 120_000,
          globalSetup: ['test/support/postgres-global-setup.ts'],
        },
      },
      {
        test: {
          name: 'e2e',
          include: ['test/**/*.e2e.ts'],
          environment: 'node',
          testTimeout: 600_000,
          hookTimeout: 900_000,
          fileParallelism: false,
        },
      },
    ],
  },
});
