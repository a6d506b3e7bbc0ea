/**
 * User price overrides (per 1M tokens), matched before the catalog.
 *
 * Matching: model ids compare exactly, ignoring case and surrounding spaces. Overrides that
 * name a provider are tried first (in the order given), then generic ones (no provider); the
 * first match wins. A provider matches by the name the caller used or by the catalog's id for
 * it (so an override for `google` also applies to calls recorded as `gemini`).
 *
 * @module
 */
import type { PriceOverride } from '../types/index.js';
import type { PriceSheet } from './types.js';

function norm(text: string): string {
  return text.trim().toLowerCase();
}

/**
 * The first override for one of `modelIds` under one of `providerIds` (lower-cased names the
 * call is known by), provider-specific overrides first.
 */
export function findOverride(
  overrides: readonly PriceOverride[],
  providerIds: readonly string[],
  modelIds: readonly string[],
): PriceOverride | undefined {
  const models = modelIds.map(norm);
  for (const override of overrides) {
    if (override.provider === undefined) continue;
    if (providerIds.includes(norm(override.provider)) && models.includes(norm(override.model))) return override;
  }
  for (const override of overrides) {
    if (override.provider !== undefined) continue;
    if (models.includes(norm(override.model))) return override;
  }
  return undefined;
}

function validPrice(value: unknown): value is number {
  return typeof value === 'number' && Number.isFinite(value) && value >= 0;
}

/**
 * An override as a price sheet. `cacheRead` and `cacheWrite` default to `input` (no discount,
 * no surcharge); `cacheWrite1h` defaults to `cacheWrite`. Returns `undefined` when a price is
 * negative, NaN or not a number.
 */
export function sheetFromOverride(override: PriceOverride): PriceSheet | undefined {
  const { input, output, cacheRead, cacheWrite, cacheWrite1h } = override;
  if (!validPrice(input) || !validPrice(output)) return undefined;
  for (const optional of [cacheRead, cacheWrite, cacheWrite1h]) {
    if (optional !== undefined && !validPrice(optional)) return undefined;
  }
  const sheet: PriceSheet = { input, output };
  if (cacheRead !== undefined) sheet.cacheRead = cacheRead;
  if (cacheWrite !== undefined) sheet.cacheWrite = cacheWrite;
  if (cacheWrite1h !== undefined) sheet.cacheWrite1h = cacheWrite1h;
  return sheet;
}
