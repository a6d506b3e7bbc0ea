/**
 * `node --import ./test/helpers/trace-loads.mjs ...`: writes the file of every module the
 * process loads, one per line, to the file named by `TL_TRACE_LOADS`. ES modules are seen by a
 * load hook (trace-loads-hooks.mjs, which appends each as it loads); CommonJS modules required
 * by other CommonJS modules pass no hook, so the require cache is appended at exit.
 */
import { appendFileSync } from 'node:fs';
import { createRequire, register } from 'node:module';

const out = process.env.TL_TRACE_LOADS;
if (out === undefined) throw new Error('trace-loads.mjs needs TL_TRACE_LOADS, the file to write to');
register(new URL('./trace-loads-hooks.mjs', import.meta.url));
const cache = createRequire(import.meta.url).cache;
process.on('exit', () => {
  appendFileSync(
    out,
    Object.keys(cache)
      .map((file) => `${file}\n`)
      .join(''),
  );
});
