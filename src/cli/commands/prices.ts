/**
 * `tokenledger prices [MODEL] [--provider P] [--json] [--at TIME] [--config PATH] [--db URL]`: the
 * per-1M prices tokenledger would use (config overrides first, then the catalog the ledger has
 * installed, else the bundled one). With MODEL, one model's prices, tiers, source and matched
 * catalog id; without, a table of the provider's (or every) model. `tokenledger prices status`:
 * the price data's source and age, and the last refused update. `tokenledger prices update
 * [--from URL|FILE] [--accept-moves]`: fetch, check and install a catalog file in the ledger.
 *
 * @module
 */
import type { Command } from 'commander';
import { existsSync } from 'node:fs';
import { loadConfig, type Config } from '../../config/index.js';
import { TokenledgerError } from '../../errors/index.js';
import { syncPriceData, updatePriceData } from '../../ledger/index.js';
import {
  createPricer,
  defaultCatalogUrl,
  priceDataStatus,
  STALE_AFTER_DAYS,
  type PriceLookup,
  type Pricer,
} from '../../pricing/index.js';
import { DEFAULT_DB, openStore, sqliteFilePath, type Store } from '../../store/index.js';
import type { PriceDataState, PricePerMillion } from '../../types/index.js';
import { noTokens } from '../../usage/index.js';

interface PricesOptions {
  provider?: string;
  json?: boolean;
  at?: string;
  config?: string;
  db?: string;
  from?: string;
  acceptMoves?: boolean;
}

/** `2.5` -> `2.50`, `0.028` -> `0.028`: at least cents, no float noise. */
function usd(value: number | undefined): string {
  if (value === undefined) return '-';
  const fixed = value.toFixed(6).replace(/0+$/, '');
  const [whole = '0', fraction = ''] = fixed.split('.');
  return `${whole}.${fraction.padEnd(2, '0')}`;
}

function formatModel(found: PriceLookup, time: Date): string {
  const name = found.modelName === undefined ? '' : ` "${found.modelName}"`;
  const matched =
    found.source === 'catalog'
      ? `catalog id ${found.provider ?? '?'}/${found.modelId}${name}`
      : `${found.source}: ${found.modelId}`;
  const rows: Array<[string, number | undefined]> = [
    ['input', found.prices.input],
    ['cached input (read)', found.prices.cacheRead],
    ['cache write 5m', found.prices.cacheWrite],
    ['cache write 1h', found.prices.cacheWrite1h],
    ['output', found.prices.output],
  ];
  if (found.extra?.inputAudio !== undefined) rows.push(['input audio', found.extra.inputAudio]);
  if (found.extra?.outputAudio !== undefined) rows.push(['output audio', found.extra.outputAudio]);
  if (found.extra?.outputReasoning !== undefined) rows.push(['output reasoning', found.extra.outputReasoning]);
  const lines = [
    `provider ${found.provider ?? '(any)'}, ${matched}`,
    `prices in USD per 1M tokens, at ${time.toISOString()}:`,
    ...rows.map(([label, value]) => `  ${label.padEnd(22)}${usd(value).padStart(10)}`),
  ];
  for (const tier of found.tiers ?? []) {
    const p: PricePerMillion = tier.prices;
    lines.push(
      `  above ${tier.aboveInputTokens.toLocaleString('en-US')} input tokens: input ${usd(p.input)}, cached ${usd(p.cacheRead)}, ` +
        `write 5m ${usd(p.cacheWrite)}, write 1h ${usd(p.cacheWrite1h)}, output ${usd(p.output)}`,
    );
  }
  lines.push(`source: ${found.source}`);
  if (found.note !== undefined) lines.push(`note: ${found.note}`);
  return lines.join('\n');
}

function formatTable(rows: PriceLookup[]): string {
  const header = ['provider', 'model', 'input', 'cached', 'write 5m', 'write 1h', 'output', 'source'];
  const body = rows.map((row) => [
    row.provider ?? '(any)',
    row.modelId + (row.tiers ? ' *' : ''),
    usd(row.prices.input),
    usd(row.prices.cacheRead),
    usd(row.prices.cacheWrite),
    usd(row.prices.cacheWrite1h),
    usd(row.prices.output),
    row.source,
  ]);
  const widths = header.map((title, i) => Math.max(title.length, ...body.map((cells) => (cells[i] ?? '').length)));
  const line = (cells: string[]) =>
    cells
      .map((cell, i) => (i >= 2 && i <= 6 ? cell.padStart(widths[i] ?? 0) : cell.padEnd(widths[i] ?? 0)))
      .join('  ')
      .trimEnd();
  const tiered = rows.some((row) => row.tiers) ? ['* long-context tiers apply; see `tokenledger prices MODEL`'] : [];
  return [line(header), ...body.map(line), `${rows.length} models, USD per 1M tokens`, ...tiered].join('\n');
}

function fail(message: string): void {
  process.stderr.write(`tokenledger prices: ${message}\n`);
  process.exitCode = 1;
}

/** A pricer with the config's overrides whose clock is stopped at `time` (the --at option). */
function pricerFromConfig(config: Config, time: Date): Pricer {
  return createPricer({ overrides: config.prices, now: () => time });
}

/**
 * The ledger the options name (`--db`, the config's store, TOKENLEDGER_DB, the default). A
 * reading view opens it only when it exists: looking at prices never creates a ledger file.
 */
async function openLedger(options: PricesOptions, config: Config, create: boolean): Promise<Store | undefined> {
  const url = options.db ?? config.store ?? DEFAULT_DB;
  const file = sqliteFilePath(url);
  if (!create && file !== undefined && !existsSync(file)) return undefined;
  return openStore(url);
}

/** Prices with the catalog the ledger has installed, when it has one; returns the ledger's price data. */
async function useLedgerPrices(options: PricesOptions, config: Config): Promise<PriceDataState | undefined> {
  const store = await openLedger(options, config, false);
  if (store === undefined) return undefined;
  try {
    const outcome = await syncPriceData(store);
    if ('error' in outcome) note(`the ledger's price data was not used: ${outcome.error}`);
    return await store.priceDataState();
  } finally {
    await store.close();
  }
}

function note(line: string): void {
  process.stderr.write(`tokenledger prices: ${line}\n`);
}

/** `prices update`: fetch, check and install a catalog file in the ledger. */
async function runUpdate(options: PricesOptions, config: Config): Promise<void> {
  const store = await openLedger(options, config, true);
  if (store === undefined) return fail('no ledger to install the prices in; pass --db');
  try {
    await syncPriceData(store);
    const before = priceDataStatus().source;
    const outcome = await updatePriceData(store, {
      from: options.from ?? defaultCatalogUrl(),
      acceptMoves: options.acceptMoves === true,
    });
    const { record } = outcome;
    if (options.json) process.stdout.write(`${JSON.stringify(record, null, 2)}\n`);
    if (!outcome.installed) return fail(`update refused, prices unchanged (${before}): ${record.reason ?? ''}`);
    if (!options.json) {
      const lines = [
        `${outcome.unchanged ? 'installed again (unchanged)' : 'installed'}: ${priceDataStatus().source}, ${outcome.counts.providers} providers, ${outcome.counts.models} models (was ${before})`,
        ...record.warnings.map((warning) => `warning: ${warning}`),
      ];
      process.stdout.write(`${lines.join('\n')}\n`);
    }
  } finally {
    await store.close();
  }
}

/** `prices status`: where the prices come from and how old they are, and the last refused update. */
function printStatus(time: Date, json: boolean, ledger: PriceDataState | undefined): void {
  const status = priceDataStatus(time);
  const refused = ledger?.refused;
  if (json) {
    const extra = ledger === undefined ? {} : { installed: ledger.installed ?? null, refused: refused ?? null };
    process.stdout.write(`${JSON.stringify({ ...status, staleAfterDays: STALE_AFTER_DAYS, ...extra }, null, 2)}\n`);
    return;
  }
  const lines = [
    `source: ${status.source}`,
    `data from: ${status.dataTime.slice(0, 10)} (${status.ageDays} days old)`,
    status.stale
      ? `STALE: older than ${STALE_AFTER_DAYS} days; prices may have changed since (upgrade tokenledger, or set prices: overrides)`
      : `fresh: within ${STALE_AFTER_DAYS} days`,
  ];
  if (refused !== undefined)
    lines.push(`last update refused (${refused.fetchedAt}, ${refused.source}): ${refused.reason ?? ''}`);
  process.stdout.write(`${lines.join('\n')}\n`);
}

async function runPrices(model: string | undefined, options: PricesOptions): Promise<void> {
  const time = options.at === undefined ? new Date() : new Date(options.at);
  if (Number.isNaN(time.getTime())) return fail(`--at must be an ISO date-time, got "${options.at ?? ''}"`);
  const config = await loadConfig(options.config === undefined ? {} : { path: options.config });
  // No model is called `update`: the word is the update.
  if (model === 'update') return runUpdate(options, config);
  const ledger = await useLedgerPrices(options, config);
  // No model is called `status`: the word is the status view.
  if (model === 'status') return printStatus(time, options.json === true, ledger);
  const pricer = pricerFromConfig(config, time);
  if (model === undefined) {
    const rows = await pricer.listPrices(options.provider);
    if (rows.length === 0) return fail(`no models known for provider "${options.provider ?? ''}"`);
    process.stdout.write(`${options.json ? JSON.stringify(rows, null, 2) : formatTable(rows)}\n`);
    return;
  }
  const found = pricer.lookup({ provider: options.provider, model, time });
  if (!found) {
    const result = pricer.price({ provider: options.provider, model, usage: noTokens(), time });
    return fail(result.reason ?? `no price known for model "${model}"`);
  }
  process.stdout.write(`${options.json ? JSON.stringify(found, null, 2) : formatModel(found, time)}\n`);
}

export function registerPricesCommand(program: Command): void {
  program
    .command('prices')
    .description(
      'Show the per-1M token prices tokenledger would use (overrides first, then the catalog); update installs a newer catalog.',
    )
    .argument(
      '[model]',
      "model id, e.g. gpt-4o, claude-sonnet-4-5, openai/gpt-4o:nitro; omit to list models; status for the price data's source and age; update to fetch, check and install the catalog file",
    )
    .option('-p, --provider <provider>', 'provider id (openai, anthropic, google, openrouter, deepseek...)')
    .option('--json', 'print JSON instead of a table')
    .option('--at <time>', 'price at this ISO date-time instead of now (prices change over time)')
    .option('-c, --config <path>', 'config file whose price overrides apply')
    .option(
      '--db <url>',
      'the ledger whose installed catalog is used (default: config store, TOKENLEDGER_DB, sqlite:./tokenledger.db)',
    )
    .option('--from <url|file>', "update: the catalog file (default: the catalog package's published data.json)")
    .option('--accept-moves', 'update: install even when prices moved more than 10x (they are listed)')
    .action(async (model: string | undefined, options: PricesOptions) => {
      try {
        await runPrices(model, options);
      } catch (error) {
        // One clear line, never a stack trace.
        fail(TokenledgerError.isInstance(error) || error instanceof Error ? error.message : String(error));
      }
    });
}
