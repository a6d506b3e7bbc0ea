/**
 * `npm run bench [-- AREA ...]`: runs the benchmark areas (all by default) and writes each
 * one's markdown section into bench/RESULTS.md, stamped with the date and the machine. Areas
 * run one after another, never in parallel, so they don't steal each other's cores; ratios
 * inside an area are always measured side by side in the same run.
 */
import { execFileSync } from 'node:child_process';
import { readFile, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const AREAS = [
  'usage',
  'pricing',
  'store',
  'ledger',
  'client',
  'http',
  'ai-sdk',
  'gateway',
  'dashboard',
  'startup',
  'otlp',
  'durability',
  'sqlite-lock',
  'budgets',
  'analytics',
  'reprice',
  'runs',
] as const;
type Area = (typeof AREAS)[number];

const here = path.dirname(fileURLToPath(import.meta.url));
const resultsPath = path.join(here, 'RESULTS.md');

function machine(): string {
  const cpus = os.cpus();
  const memGiB = (os.totalmem() / 2 ** 30).toFixed(0);
  return `${cpus.length} x ${cpus[0]?.model ?? 'unknown CPU'}, ${memGiB} GiB, Node ${process.version}, ${os.platform()} ${os.release()}`;
}

function section(area: Area, body: string): string {
  return `<!-- bench:${area} -->\n${body.trim()}\n<!-- /bench:${area} -->`;
}

/** Replaces the area's section in place, or appends it. */
function upsert(document: string, area: Area, body: string): string {
  const pattern = new RegExp(`<!-- bench:${area} -->[\\s\\S]*?<!-- /bench:${area} -->`);
  const block = section(area, body);
  return pattern.test(document) ? document.replace(pattern, () => block) : `${document.trimEnd()}\n\n${block}\n`;
}

async function main(): Promise<void> {
  const requested = process.argv.slice(2).filter((arg) => !arg.startsWith('-'));
  const unknown = requested.filter((arg) => !(AREAS as readonly string[]).includes(arg));
  if (unknown.length > 0) {
    console.error(`unknown bench area(s): ${unknown.join(', ')}; known: ${AREAS.join(', ')}`);
    process.exit(1);
  }
  const areas = requested.length > 0 ? (requested as Area[]) : [...AREAS];

  let document = await readFile(resultsPath, 'utf8').catch(
    () =>
      '# Benchmark results\n\nWritten by `npm run bench`. Each section says when and on what machine it was measured.\n',
  );
  for (const area of areas) {
    const file = path.join(here, `${area}.ts`);
    const module = (await import(file)) as { run?: () => Promise<string> };
    if (typeof module.run !== 'function') throw new Error(`bench/${area}.ts exports no run()`);
    console.error(`bench: ${area} ...`);
    const started = Date.now();
    const body = await module.run();
    const stamp = `_Measured ${new Date().toISOString().slice(0, 16).replace('T', ' ')} UTC on ${machine()}; took ${((Date.now() - started) / 1000).toFixed(0)} s._`;
    document = upsert(document, area, `${body.trim()}\n\n${stamp}`);
    await writeFile(resultsPath, document);
    document = await formatResults();
    console.error(`bench: ${area} done`);
  }
  console.log(document);
}

/**
 * Aligns the tables the areas wrote with the project's formatter: `npm test` runs `biome ci`
 * over the tree, RESULTS.md included, and refuses it unformatted.
 */
async function formatResults(): Promise<string> {
  execFileSync(path.join(here, '..', 'node_modules', '.bin', 'biome'), ['format', '--write', resultsPath], {
    stdio: 'ignore',
  });
  return readFile(resultsPath, 'utf8');
}

await main();
