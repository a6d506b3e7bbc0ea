/**
 * A price catalog file as `prices update` reads one: the bundled data with openai/gpt-4o's input
 * price changed, for tests that install a refreshed catalog and see its prices apply.
 */
import { bundledProviders } from '#src/pricing/index.js';

/** The bundled catalog as JSON text, gpt-4o's input at `inputUsdPerMTok` per 1M tokens. */
export async function catalogWithGpt4oInput(inputUsdPerMTok: number): Promise<string> {
  const providers = structuredClone(await bundledProviders()) as unknown as Array<Record<string, unknown>>;
  const openai = providers.find((provider) => provider['id'] === 'openai') as {
    models: Array<Record<string, unknown>>;
  };
  const model = openai.models.find((entry) => entry['id'] === 'gpt-4o') as Record<string, unknown>;
  model['prices'] = { ...(model['prices'] as object), input_mtok: inputUsdPerMTok };
  return JSON.stringify(providers);
}
