/**
 * The checks a catalog file passes before any of it is used (issue 14 item 1). The file is the
 * one @pydantic/genai-prices publishes (REMOTE_DATA_JSON_URL) and bundles: a JSON array of
 * providers, each with its models and their prices per 1M tokens. In order, the first failure
 * refusing the file in one line:
 *
 * 1. JSON, of the catalog's shape (providers with an id, a name, an API pattern and models;
 *    models with an id and prices, flat or a list of constrained prices);
 * 2. the shrink guard: at least as many providers and models as the bundle, minus
 *    SHRINK_MARGIN (a half-published or truncated-then-closed file loses many);
 * 3. invariants: every price finite and not negative, tiers ascending, a cache read not dearer
 *    than the input it replaces;
 * 4. moves: every price that moved more than JUMP_FACTOR times either way from the data in use
 *    is listed; such a file is refused unless the caller accepts the moves (a 1000x move is a
 *    unit mistake far more often than a price change).
 *
 * @module
 */
import type { ModelInfo, ModelPrice, Provider } from '@pydantic/genai-prices';

/** A catalog may lose this share of the bundle's providers and models (retired ones) and still pass. */
export const SHRINK_MARGIN = 0.1;
/** A price moving more than this many times (up or down) is listed. */
export const JUMP_FACTOR = 10;
/** Moves named in one line; the rest are counted. */
const MOVES_SHOWN = 20;

export interface CatalogCounts {
  providers: number;
  models: number;
}

export type CatalogCheck =
  | { ok: true; providers: Provider[]; counts: CatalogCounts; warnings: string[]; moves: string[] }
  | { ok: false; reason: string; counts?: CatalogCounts; warnings: string[]; moves: string[] };

export interface CatalogCheckOptions {
  /** The bundled catalog: the shrink guard's floor. */
  bundled: readonly Provider[];
  /** The data in use now, to list what moved. */
  current: readonly Provider[];
  /** Install even when prices moved more than JUMP_FACTOR times (they are still listed). @default false */
  acceptMoves?: boolean;
}

const isObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

class Refusal extends Error {}

function shape(value: unknown): Provider[] {
  if (!Array.isArray(value))
    throw new Refusal(`not a catalog: expected a JSON array of providers, got ${kindOf(value)}`);
  for (const [index, provider] of value.entries()) {
    const where = `providers[${index}]`;
    if (!isObject(provider)) throw new Refusal(`${where} is not an object`);
    for (const key of ['id', 'name', 'api_pattern'] as const) {
      if (typeof provider[key] !== 'string' || provider[key] === '')
        throw new Refusal(`${where}.${key} must be a non-empty string`);
    }
    const id = provider['id'] as string;
    if (!Array.isArray(provider['models'])) throw new Refusal(`provider ${id}: models must be an array`);
    for (const [m, model] of (provider['models'] as unknown[]).entries()) {
      if (!isObject(model) || typeof model['id'] !== 'string' || model['id'] === '')
        throw new Refusal(`provider ${id}: models[${m}] must be an object with an id`);
      const prices = model['prices'];
      const modelId = model['id'];
      if (Array.isArray(prices)) {
        if (prices.length === 0) throw new Refusal(`${id}/${modelId}: prices is an empty list`);
        for (const [p, entry] of prices.entries()) {
          if (!isObject(entry) || !isObject(entry['prices']))
            throw new Refusal(`${id}/${modelId}: prices[${p}] must be { constraint?, prices }`);
        }
      } else if (!isObject(prices)) throw new Refusal(`${id}/${modelId}: prices must be an object or a list`);
    }
  }
  return value as Provider[];
}

function kindOf(value: unknown): string {
  return value === null ? 'null' : Array.isArray(value) ? 'an array' : typeof value;
}

function countsOf(providers: readonly Provider[]): CatalogCounts {
  return { providers: providers.length, models: providers.reduce((sum, provider) => sum + provider.models.length, 0) };
}

function shrinkGuard(counts: CatalogCounts, bundled: CatalogCounts): void {
  for (const part of ['providers', 'models'] as const) {
    const floor = Math.floor(bundled[part] * (1 - SHRINK_MARGIN));
    if (counts[part] < floor)
      throw new Refusal(
        `shrunk: ${counts[part]} ${part}, fewer than ${floor} (the bundle's ${bundled[part]} minus ${SHRINK_MARGIN * 100}%)`,
      );
  }
}

/** Every price sheet of a model (a flat one, or each constrained one). */
function sheetsOf(model: ModelInfo): ModelPrice[] {
  return Array.isArray(model.prices) ? model.prices.map((entry) => entry.prices) : [model.prices];
}

/** A price at `inputTokens` total input: the base, or the last tier it is above. */
function priceAt(value: ModelPrice[string], inputTokens: number): number | undefined {
  if (typeof value === 'number') return value;
  if (value === undefined) return undefined;
  let price = value.base;
  for (const tier of value.tiers) if (inputTokens > tier.start) price = tier.price;
  return price;
}

function checkValue(where: string, value: unknown): void {
  const bad = (what: string) => new Refusal(`${where}: ${what}`);
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) throw bad(`not a finite price (${String(value)})`);
    if (value < 0) throw bad(`negative price (${value})`);
    return;
  }
  if (!isObject(value) || !Array.isArray(value['tiers'])) throw bad('must be a number or { base, tiers }');
  checkValue(`${where}.base`, value['base']);
  let previous = -1;
  for (const [index, tier] of (value['tiers'] as unknown[]).entries()) {
    if (!isObject(tier)) throw bad(`tiers[${index}] is not an object`);
    const start = tier['start'];
    if (typeof start !== 'number' || !Number.isSafeInteger(start) || start < 0)
      throw bad(`tiers[${index}].start must be a whole number of tokens`);
    if (start <= previous) throw bad(`tiers not ascending (${start} after ${previous})`);
    previous = start;
    checkValue(`${where}.tiers[${index}].price`, tier['price']);
  }
}

/** The token counts where any tier of a sheet starts (plus 0): where a cache read and input are compared. */
function tierPoints(sheet: ModelPrice): number[] {
  const points = new Set([0]);
  for (const value of Object.values(sheet))
    if (typeof value === 'object') for (const tier of value.tiers) points.add(tier.start + 1);
  return [...points];
}

function invariants(providers: readonly Provider[]): void {
  for (const provider of providers) {
    for (const model of provider.models) {
      for (const sheet of sheetsOf(model)) {
        const name = `${provider.id}/${model.id}`;
        for (const [key, value] of Object.entries(sheet)) if (value !== undefined) checkValue(`${name} ${key}`, value);
        for (const tokens of tierPoints(sheet)) {
          const input = priceAt(sheet['input_mtok'], tokens);
          const cacheRead = priceAt(sheet['cache_read_mtok'], tokens);
          if (input !== undefined && cacheRead !== undefined && cacheRead > input)
            throw new Refusal(`${name}: cache read ${cacheRead} dearer than input ${input} per 1M tokens`);
        }
      }
    }
  }
}

/** `provider/model key` -> the price in force now of each model's newest sheet (base of tiers). */
function currentPrices(providers: readonly Provider[]): Map<string, number> {
  const prices = new Map<string, number>();
  for (const provider of providers) {
    for (const model of provider.models) {
      const sheet = sheetsOf(model).at(-1);
      for (const [key, value] of Object.entries(sheet ?? {})) {
        const price = priceAt(value, 0);
        if (price !== undefined) prices.set(`${provider.id}/${model.id} ${key}`, price);
      }
    }
  }
  return prices;
}

/** Every price that moved more than JUMP_FACTOR times from `before`, as `name key old -> new (Nx)`. */
function movesFrom(before: readonly Provider[], after: readonly Provider[]): string[] {
  const old = currentPrices(before);
  const moves: string[] = [];
  for (const [name, price] of currentPrices(after)) {
    const was = old.get(name);
    if (was === undefined || was <= 0 || price <= 0) continue;
    const factor = price > was ? price / was : was / price;
    if (factor > JUMP_FACTOR) moves.push(`${name} ${was} -> ${price} (${price > was ? '' : '1/'}${round(factor)}x)`);
  }
  return moves;
}

function round(value: number): string {
  return String(Math.round(value * 10) / 10);
}

/** One line naming the moves (the first MOVES_SHOWN, then how many more). */
export function movesLine(moves: readonly string[]): string {
  const more = moves.length > MOVES_SHOWN ? `, and ${moves.length - MOVES_SHOWN} more` : '';
  return `${moves.length} price${moves.length === 1 ? '' : 's'} moved more than ${JUMP_FACTOR}x: ${moves.slice(0, MOVES_SHOWN).join('; ')}${more}`;
}

/** Checks a catalog file's text. Never throws: a failed check is `{ ok: false, reason }`. */
export function checkCatalog(text: string, options: CatalogCheckOptions): CatalogCheck {
  let counts: CatalogCounts | undefined;
  let moves: string[] = [];
  try {
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch (error) {
      throw new Refusal(`not JSON (truncated?): ${error instanceof Error ? error.message : String(error)}`);
    }
    const providers = shape(parsed);
    counts = countsOf(providers);
    shrinkGuard(counts, countsOf(options.bundled));
    invariants(providers);
    moves = movesFrom(options.current, providers);
    const warnings = moves.length === 0 ? [] : [movesLine(moves)];
    if (moves.length > 0 && options.acceptMoves !== true)
      return { ok: false, reason: `${movesLine(moves)} (accept with --accept-moves)`, counts, warnings, moves };
    return { ok: true, providers, counts, warnings, moves };
  } catch (error) {
    if (!(error instanceof Refusal)) throw error;
    return { ok: false, reason: error.message, ...(counts === undefined ? {} : { counts }), warnings: [], moves };
  }
}
