/**
 * The usage acceptance corpus as copied into test/fixtures/<provider>/, and a renderer that
 * turns a corpus stream back into the raw bytes a provider sends: SSE (`event: X\ndata: JSON\n\n`)
 * or, for Ollama, newline-delimited JSON.
 *
 * @module
 */
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const FIXTURES_DIR = join(dirname(fileURLToPath(import.meta.url)), '..', 'fixtures');

/** One event of a corpus stream, in wire order. */
export interface CorpusEvent {
  event: string | null;
  /** The parsed JSON payload, or the string `[DONE]`. */
  data: unknown;
}

export interface CorpusExpected {
  inputTokens: number;
  outputTokens: number;
  totalTokens: number;
  cacheReadTokens: number;
  cacheWriteTokens: number;
  reasoningTokens: number;
}

/** One corpus file (see ../shared/fixtures/usage/README.md). */
export interface CorpusFixture {
  /** File name, e.g. `anthropic-04-stream-classic.json`. */
  name: string;
  /** Path on disk. */
  path: string;
  provider: string;
  api: string;
  kind: 'response' | 'stream';
  expected: CorpusExpected;
  notes: string;
  source: { repo: string; path: string; commit: string; detail: string; url?: string };
  /** The response object, or the stream's events. */
  body: unknown;
}

const CORPUS_NAME = /^[a-z-]+-\d\d-[a-z0-9-]+\.json$/;

/** Every corpus fixture under test/fixtures/, sorted by name. */
export function loadCorpus(): CorpusFixture[] {
  const fixtures: CorpusFixture[] = [];
  for (const folder of readdirSync(FIXTURES_DIR)) {
    const dir = join(FIXTURES_DIR, folder);
    if (!statSync(dir).isDirectory()) continue;
    for (const name of readdirSync(dir)) {
      if (!CORPUS_NAME.test(name)) continue;
      const path = join(dir, name);
      const parsed = JSON.parse(readFileSync(path, 'utf8')) as Omit<CorpusFixture, 'name' | 'path'>;
      if (parsed.expected === undefined || (parsed.kind !== 'response' && parsed.kind !== 'stream')) continue;
      fixtures.push({ ...parsed, name, path });
    }
  }
  return fixtures.sort((a, b) => a.name.localeCompare(b.name));
}

/** True for the corpus streams framed as newline-delimited JSON (Ollama). */
export function isNdjsonFixture(fixture: Pick<CorpusFixture, 'provider'>): boolean {
  return fixture.provider === 'ollama';
}

/**
 * A corpus stream as raw wire text: SSE events (`event:` line when named, then `data:`, then a
 * blank line; `[DONE]` as is), or NDJSON lines for Ollama.
 */
export function corpusStreamToText(fixture: Pick<CorpusFixture, 'provider' | 'body'>): string {
  if (!Array.isArray(fixture.body)) throw new Error('not a stream fixture');
  const events = fixture.body as CorpusEvent[];
  if (isNdjsonFixture(fixture)) return events.map((event) => `${JSON.stringify(event.data)}\n`).join('');
  return events
    .map((event) => {
      const data = typeof event.data === 'string' ? event.data : JSON.stringify(event.data);
      return `${event.event === null ? '' : `event: ${event.event}\n`}data: ${data}\n\n`;
    })
    .join('');
}

/** A hint as a caller would give it for a corpus fixture: provider id and endpoint URL. */
export function corpusHint(fixture: Pick<CorpusFixture, 'provider' | 'api' | 'kind'>): {
  provider: string;
  url: string;
} {
  const provider =
    { other: 'groq', gemini: 'google', 'openai-responses': 'openai' }[fixture.provider] ?? fixture.provider;
  const hosts: Record<string, string> = {
    openai: 'https://api.openai.com',
    openrouter: 'https://openrouter.ai/api',
    anthropic: 'https://api.anthropic.com',
    google: 'https://generativelanguage.googleapis.com',
    bedrock: 'https://bedrock-runtime.us-east-1.amazonaws.com',
    cohere: 'https://api.cohere.com',
    ollama: 'http://127.0.0.1:11434',
    deepseek: 'https://api.deepseek.com',
    azure: 'https://example.openai.azure.com/openai',
    xai: 'https://api.x.ai',
    mistral: 'https://api.mistral.ai',
    groq: 'https://api.groq.com/openai',
  };
  const stream = fixture.kind === 'stream';
  const paths: Record<string, string> = {
    'chat.completions': '/v1/chat/completions',
    responses: '/v1/responses',
    messages: '/v1/messages',
    generateContent: stream ? '/v1beta/models/m:streamGenerateContent?alt=sse' : '/v1beta/models/m:generateContent',
    converse: stream ? '/model/m/converse-stream' : '/model/m/converse',
    'v2/chat': '/v2/chat',
    'api/chat': '/api/chat',
  };
  return { provider, url: `${hosts[provider] ?? 'https://example.com'}${paths[fixture.api] ?? ''}` };
}
