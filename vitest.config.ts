import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    testTimeout: 60_000,
    hookTimeout: 60_000,
    // Several suites share one PostgreSQL database and one Redis; each uses its own
    // schema/key prefix, so files may run in parallel.
    pool: 'forks',
  },
});
