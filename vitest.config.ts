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
      { extends: true, test: { name: 'unit', include: tiers.unit } },
      { extends: true, test: { name: 'integration', include: tiers.integration } },
    ],
  },
});
