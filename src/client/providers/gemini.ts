/**
 * Gemini generateContent (https://ai.google.dev/api/generate-content). Streams use
 * `:streamGenerateContent?alt=sse`; the key goes in `x-goog-api-key`, never the URL, so it
 * cannot leak through a logged URL.
 *
 * @module
 */
import { asArray, asRecord, asString, joinURL, readNestedErrorMessage, type ProviderAdapter } from './types.js';

function candidateText(body: unknown): { text: string; finishReason?: string } {
  const candidate = asRecord(asArray(asRecord(body)?.['candidates'])[0]);
  const parts = asArray(asRecord(candidate?.['content'])?.['parts']);
  // Thought summaries come as parts flagged `thought: true`; they are not the answer.
  const text = parts
    .map((part) => asRecord(part))
    .filter((part) => part !== undefined && part['thought'] !== true)
    .map((part) => asString(part?.['text']) ?? '')
    .join('');
  const finishReason = asString(candidate?.['finishReason']);
  return { text, ...(finishReason === undefined ? {} : { finishReason }) };
}

/**
 * The `google.rpc.RetryInfo` detail of a Gemini error (`"retryDelay": "38s"`), which Gemini
 * sends on 429 instead of a Retry-After header
 * (https://ai.google.dev/gemini-api/docs/troubleshooting, google.rpc.RetryInfo in
 * https://github.com/googleapis/googleapis/blob/master/google/rpc/error_details.proto).
 */
export function readGeminiRetryDelayMs(body: unknown): number | undefined {
  for (const detail of asArray(asRecord(asRecord(body)?.['error'])?.['details'])) {
    const record = asRecord(detail);
    const type = asString(record?.['@type']);
    const delay = asString(record?.['retryDelay']);
    if (type?.endsWith('google.rpc.RetryInfo') === true && delay !== undefined) {
      const match = /^(\d+(?:\.\d+)?)s$/.exec(delay.trim());
      if (match?.[1] !== undefined) return Number(match[1]) * 1000;
    }
  }
  return undefined;
}

export const geminiProvider: ProviderAdapter = {
  id: 'google',
  type: 'gemini',
  // The registry's base URL is filled in by registry.ts.
  defaultBaseURL: undefined,
  defaultHeaders: {},
  buildCall({ baseURL, apiKey, call, headers }) {
    const systemParts = [
      ...(call.system === undefined ? [] : [call.system]),
      ...call.messages.filter((message) => message.role === 'system').map((message) => message.content),
    ];
    const body: Record<string, unknown> = {
      contents: call.messages
        .filter((message) => message.role !== 'system')
        .map((message) => ({
          role: message.role === 'assistant' ? 'model' : 'user',
          parts: [{ text: message.content }],
        })),
    };
    if (systemParts.length > 0) body['systemInstruction'] = { parts: [{ text: systemParts.join('\n\n') }] };
    const generationConfig: Record<string, unknown> = {};
    if (call.temperature !== undefined) generationConfig['temperature'] = call.temperature;
    if (call.maxTokens !== undefined) generationConfig['maxOutputTokens'] = call.maxTokens;
    if (call.json === true) generationConfig['responseMimeType'] = 'application/json';
    if (Object.keys(generationConfig).length > 0) body['generationConfig'] = generationConfig;
    const model = encodeURIComponent(call.model.replace(/^models\//, ''));
    const path = call.stream
      ? `/v1beta/models/${model}:streamGenerateContent?alt=sse`
      : `/v1beta/models/${model}:generateContent`;
    const out: Record<string, string> = { 'content-type': 'application/json', ...headers };
    if (apiKey !== undefined) out['x-goog-api-key'] = apiKey;
    return { url: joinURL(baseURL, path), headers: out, body: JSON.stringify(body) };
  },
  readText: candidateText,
  readStreamText(event) {
    try {
      const text = candidateText(JSON.parse(event.data) as unknown).text;
      return text === '' ? undefined : text;
    } catch {
      return undefined;
    }
  },
  readErrorMessage: readNestedErrorMessage,
  // Gemini sends no remaining/reset headers; its 429s carry a RetryInfo delay in the body.
  readRateLimit: () => undefined,
  readRetryDelayMs: readGeminiRetryDelayMs,
};
