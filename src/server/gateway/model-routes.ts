/**
 * Which provider an OpenAI-style request goes to: the `x-tokenledger-provider` header, else
 * the first `server.modelRoutes` entry whose prefix the model starts with, else the gateway
 * key's first provider, else `openai`.
 *
 * @example server: { modelRoutes: [{ prefix: 'deepseek-', provider: 'deepseek' }, { prefix: 'anthropic/', provider: 'openrouter' }] }
 *
 * @module
 */
import type { ModelRouteConfig } from '../../config/index.js';

/** Reads `model` from a JSON body without failing. */
export function modelOf(body: Uint8Array | ArrayBuffer | undefined): string | undefined {
  if (body === undefined || body.byteLength === 0) return undefined;
  // Only JSON objects name a model; skip uploads (audio, files) without parsing them.
  const first = body instanceof Uint8Array ? body[0] : new Uint8Array(body, 0, 1)[0];
  if (first !== 123 /* { */ && first !== 32 && first !== 10 && first !== 13 && first !== 9) return undefined;
  try {
    const value: unknown = JSON.parse(new TextDecoder().decode(body));
    return typeof value === 'object' &&
      value !== null &&
      typeof (value as Record<string, unknown>)['model'] === 'string'
      ? ((value as Record<string, unknown>)['model'] as string)
      : undefined;
  } catch {
    return undefined;
  }
}

export function providerForModel(model: string | undefined, routes: readonly ModelRouteConfig[]): string | undefined {
  if (model === undefined) return undefined;
  return routes.find((route) => model.startsWith(route.prefix))?.provider;
}
