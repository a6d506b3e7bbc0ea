/**
 * Bedrock InvokeModelWithResponseStream: AWS event-stream `chunk` frames whose payload is
 * `{"bytes": "<base64>"}` holding the model's own stream event
 * (https://docs.aws.amazon.com/bedrock/latest/APIReference/API_runtime_PayloadPart.html).
 * Claude's inner events are Anthropic's (metered as such); a model whose chunks are in no known
 * format (Llama's `generation_token_count`, with `amazon-bedrock-invocationMetrics` on the last
 * chunk) is read from its last event by field name, with a warning.
 */
import { crc32 } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { createStreamMeter } from '#src/usage/index.js';
import { loadCorpus, type CorpusEvent } from '../helpers/sse.js';

const encoder = new TextEncoder();

function header(name: string, value: string): Uint8Array {
  const n = encoder.encode(name);
  const v = encoder.encode(value);
  const out = new Uint8Array(1 + n.length + 3 + v.length);
  out[0] = n.length;
  out.set(n, 1);
  out[1 + n.length] = 7;
  new DataView(out.buffer).setUint16(2 + n.length, v.length);
  out.set(v, 4 + n.length);
  return out;
}

/** One `chunk` frame carrying `inner` as base64 bytes, CRCs as AWS computes them. */
function chunkFrame(inner: string): Uint8Array {
  const headers = [
    header(':event-type', 'chunk'),
    header(':content-type', 'application/json'),
    header(':message-type', 'event'),
  ];
  const headerLength = headers.reduce((n, h) => n + h.length, 0);
  const payload = encoder.encode(JSON.stringify({ bytes: Buffer.from(inner).toString('base64'), p: 'abcd' }));
  const total = 12 + headerLength + payload.length + 4;
  const bytes = new Uint8Array(total);
  const view = new DataView(bytes.buffer);
  view.setUint32(0, total);
  view.setUint32(4, headerLength);
  view.setUint32(8, crc32(bytes.subarray(0, 8)));
  let offset = 12;
  for (const h of headers) {
    bytes.set(h, offset);
    offset += h.length;
  }
  bytes.set(payload, offset);
  view.setUint32(total - 4, crc32(bytes.subarray(0, total - 4)));
  return bytes;
}

function meter(inners: string[]) {
  const m = createStreamMeter();
  for (const inner of inners) m.write(chunkFrame(inner));
  return m.end();
}

describe('Bedrock InvokeModelWithResponseStream', () => {
  it("Claude's stream inside chunk frames is metered as Anthropic's (the corpus stream, re-framed)", () => {
    const fixture = loadCorpus().find((f) => f.name === 'anthropic-04-stream-classic.json')!;
    const inners = (fixture.body as CorpusEvent[]).map((event) => JSON.stringify(event.data));
    const result = meter(inners);
    expect(result.format).toBe('anthropic');
    const { inputTokens, outputTokens, totalTokens, cacheReadTokens, cacheWriteTokens, reasoningTokens } =
      result.usage!;
    expect({ inputTokens, outputTokens, totalTokens, cacheReadTokens, cacheWriteTokens, reasoningTokens }).toEqual(
      fixture.expected,
    );
  });

  it("Llama's chunks: the last one's invocation metrics, read by field name, with a warning", () => {
    const result = meter([
      JSON.stringify({ generation: 'Paris', prompt_token_count: 18, generation_token_count: 1, stop_reason: null }),
      JSON.stringify({ generation: '.', prompt_token_count: null, generation_token_count: 2, stop_reason: null }),
      JSON.stringify({
        generation: '',
        prompt_token_count: null,
        generation_token_count: 3,
        stop_reason: 'stop',
        'amazon-bedrock-invocationMetrics': {
          inputTokenCount: 18,
          outputTokenCount: 3,
          invocationLatency: 420,
          firstByteLatency: 130,
        },
      }),
    ]);
    expect(result.usage).toMatchObject({ inputTokens: 18, outputTokens: 3, totalTokens: 21 });
    expect(result.warnings).toContain('read from the last event of a stream in no known format');
  });
});
