/**
 * `restoreBundledCatalog` puts a process back on the bundled prices after a refreshed catalog was
 * installed: what the unit tier relies on between files that share a process.
 */
import { afterAll, describe, expect, it } from 'vitest';
import {
  catalogGeneration,
  checkCatalogText,
  createPricer,
  installCatalog,
  priceDataStatus,
  restoreBundledCatalog,
  sha256Of,
} from '#src/pricing/index.js';
import { catalogWithGpt4oInput } from '../helpers/edited-catalog.js';

describe('restoreBundledCatalog', () => {
  afterAll(restoreBundledCatalog);

  it('prices with the bundled data again, and pricers drop what they cached from the installed one', async () => {
    const pricer = createPricer();
    const gpt4oInput = (): number | undefined => pricer.lookup({ provider: 'openai', model: 'gpt-4o' })?.prices.input;
    expect(gpt4oInput()).toBe(2.5);
    const bundledSource = priceDataStatus().source;

    const text = await catalogWithGpt4oInput(2);
    const check = await checkCatalogText(text);
    if (!check.ok) throw new Error(check.reason);
    await installCatalog(check.providers, {
      sha256: sha256Of(text),
      source: 'test',
      fetchedAt: new Date().toISOString(),
    });
    expect(gpt4oInput()).toBe(2);
    expect(priceDataStatus().source).not.toBe(bundledSource);

    const installedGeneration = catalogGeneration();
    await restoreBundledCatalog();
    expect(catalogGeneration()).toBe(installedGeneration + 1);
    expect(gpt4oInput()).toBe(2.5);
    expect(priceDataStatus().source).toBe(bundledSource);

    // Nothing installed: a second restore changes nothing.
    await restoreBundledCatalog();
    expect(catalogGeneration()).toBe(installedGeneration + 1);
  });
});
