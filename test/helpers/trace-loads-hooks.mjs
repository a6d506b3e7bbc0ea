/** The load hook of trace-loads.mjs: appends each module's file as it loads (node: built-ins left out). */
import { appendFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

export async function load(url, context, nextLoad) {
  if (url.startsWith('file:')) appendFileSync(process.env.TL_TRACE_LOADS, `${fileURLToPath(url)}\n`);
  return nextLoad(url, context);
}
