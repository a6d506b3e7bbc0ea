import { availableParallelism } from 'node:os';
import { defineConfig } from 'vitest/config';
import { testTiers } from './test/tiers.js';

// Two tiers (test/tiers.ts tells them apart by what each file imports): `unit` runs in the
// vitest process with no PostgreSQL, Redis, browser or child process (`npm run test:unit`);
// `integration` is the rest. `npm test` runs both.
const tiers = testTiers(import.meta.dirname);

export default defineConfig({
  // The examples import the package by its name, as users do; here that name is the source
  // (package.json's `tokenledger-source` export condition, which tsx takes with --conditions).
  resolve: { alias: [{ find: /^tokenledger$/, replacement: `${import.meta.dirname}/src/index.ts` }] },
  test: {
    testTimeout: 60_000,
    hookTimeout: 60_000,
    // Several suites share one PostgreSQL database and one Redis; each uses its own
    // schema/key prefix, so files may run in parallel.
    pool: 'forks',
    projects: [
      // Vitest's default is one worker fewer than the cores: on a 2-core machine one file at a
      // time, 165 s for this tier. Its files wait on timers and sockets as much as they compute,
      // so one more worker than cores is the fastest measured (85 s; 2 cores: 3 workers).
      // Its files share their worker's module graph (no isolation: 81 s -> 38 s here); what a
      // file may change process-wide, test/setup/shared-process.ts puts back after it.
      // Projects with different maxWorkers must run in different groups (vitest refuses the run
      // otherwise, as soon as files of both are in it): unit first, then integration.
      {
        extends: true,
        test: {
          name: 'unit',
          include: tiers.unit,
          maxWorkers: availableParallelism() + 1,
          isolate: false,
          setupFiles: ['test/setup/shared-process.ts'],
          sequence: { groupOrder: 0 },
        },
      },
      { extends: true, test: { name: 'integration', include: tiers.integration, sequence: { groupOrder: 1 } } },
    ],
  },
});
