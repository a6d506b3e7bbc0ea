/**
 * Catalog files for the price update tests, made from the bundled data (the format the package
 * publishes), and a loopback HTTP server that serves them: `newer` (gpt-4o input 2.00 instead of
 * 2.50 per 1M tokens), `truncated`, `shrunk` (half the providers), `negative` (a negative price),
 * `jump` (gpt-4o input 1000x the newer file's).
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { bundledProviders } from '#src/pricing/index.js';

type Json = Record<string, unknown>;

/** A copy of the bundle with openai/gpt-4o's flat prices changed. */
async function withGpt4o(change: Json): Promise<Json[]> {
  const providers = structuredClone(await bundledProviders()) as unknown as Json[];
  const openai = providers.find((provider) => provider['id'] === 'openai') as { models: Json[] };
  const model = openai.models.find((entry) => entry['id'] === 'gpt-4o') as Json;
  model['prices'] = { ...(model['prices'] as Json), ...change };
  return providers;
}

export async function catalogFiles(): Promise<Record<string, string>> {
  const newer = JSON.stringify(await withGpt4o({ input_mtok: 2 }));
  const bundle = (await bundledProviders()) as unknown as Json[];
  return {
    newer,
    truncated: newer.slice(0, Math.floor(newer.length / 2)),
    shrunk: JSON.stringify(bundle.slice(0, Math.floor(bundle.length / 2))),
    negative: JSON.stringify(await withGpt4o({ input_mtok: 2, output_mtok: -10 })),
    jump: JSON.stringify(await withGpt4o({ input_mtok: 2000 })),
  };
}

export interface CatalogServer {
  url: (name: string) => string;
  close(): Promise<void>;
}

/** Serves `files` at /NAME.json on 127.0.0.1. */
export async function serveCatalogs(files: Record<string, string>): Promise<CatalogServer> {
  const server: Server = createServer((req, res) => {
    const name = /^\/(\w+)\.json$/.exec(req.url ?? '')?.[1];
    const body = name === undefined ? undefined : files[name];
    if (body === undefined) {
      res.writeHead(404).end('not found');
      return;
    }
    res.writeHead(200, { 'content-type': 'application/json' }).end(body);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: (name) => `http://127.0.0.1:${port}/${name}.json`,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}
