/**
 * `restoreBundledCatalog` puts a process back on the bundled prices after a refreshed catalog was
 * installed: what the unit tier relies on between files that share a process.
 */
import { afterAll, describe, expect, it } from 'vitest';
import {
  bundledProviders,
  catalogGeneration,
  checkCatalogText,
  createPricer,
  installCatalog,
  priceDataStatus,
  restoreBundledCatalog,
  sha256Of,
} from '#src/pricing/index.js';

/** The bundled data with gpt-4o's input at $2 per 1M instead of the bundle's $2.50. */
async function cheaperGpt4o(): Promise<string> {
  const providers = structuredClone(await bundledProviders()) as unknown as Array<Record<string, unknown>>;
  const openai = providers.find((provider) => provider['id'] === 'openai') as {
    models: Array<Record<string, unknown>>;
  };
  const model = openai.models.find((entry) => entry['id'] === 'gpt-4o') as Record<string, unknown>;
  model['prices'] = { ...(model['prices'] as object), input_mtok: 2 };
  return JSON.stringify(providers);
}

describe('restoreBundledCatalog', () => {
  afterAll(restoreBundledCatalog);

  it('prices with the bundled data again, and pricers drop what they cached from the installed one', async () => {
    const pricer = createPricer();
    const gpt4oInput = (): number | undefined => pricer.lookup({ provider: 'openai', model: 'gpt-4o' })?.prices.input;
    expect(gpt4oInput()).toBe(2.5);
    const bundledSource = priceDataStatus().source;

    const text = await cheaperGpt4o();
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
