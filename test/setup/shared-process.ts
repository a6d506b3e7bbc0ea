/**
 * Run before each file of the unit tier, whose files share worker processes (`isolate: false`
 * in vitest.config.ts: isolating each file in a fresh module graph doubled the tier's time).
 * What a file may change process-wide is put back after it, so that the next file in the same
 * process starts as a fresh one would.
 *
 * @module
 */
import { afterAll } from 'vitest';
import { restoreBundledCatalog } from '#src/pricing/index.js';

// A file that installed a refreshed catalog (`prices update`, the admin route) would otherwise
// change the prices every later file computes.
afterAll(restoreBundledCatalog);
