import { describe, expect, it } from 'vitest';
import {
  createIncludeUsageFilter,
  refusesIncludeUsage,
  spliceIncludeUsage,
  withoutAddedUsage,
} from '#src/usage/index.js';
import { chatStreamFor } from '../helpers/mock-provider.js';

const bytes = (text: string): Uint8Array => new TextEncoder().encode(text);
const text = (data: Uint8Array | undefined): string | undefined =>
  data === undefined ? undefined : new TextDecoder().decode(data);
const spliced = (body: string): string | undefined => text(spliceIncludeUsage(bytes(body)));

function sse(events: ReturnType<typeof chatStreamFor>): string {
  return events
    .map((event) => `data: ${typeof event.data === 'string' ? event.data : JSON.stringify(event.data)}\n\n`)
    .join('');
}

describe('spliceIncludeUsage: the request edit is a splice', () => {
  it('inserts the option after the opening brace, every other byte kept', () => {
    expect(spliced('{"model":"m","stream":true}')).toBe(
      '{"stream_options":{"include_usage":true},"model":"m","stream":true}',
    );
    expect(spliced(' {\n  "stream" : true ,"x":"é"}')).toBe(
      ' {"stream_options":{"include_usage":true},\n  "stream" : true ,"x":"é"}',
    );
  });

  it('merges into stream_options without include_usage; replaces a null one', () => {
    expect(spliced('{"stream":true,"stream_options":{"chunk":1}}')).toBe(
      '{"stream":true,"stream_options":{"include_usage":true,"chunk":1}}',
    );
    expect(spliced('{"stream":true,"stream_options":{}}')).toBe(
      '{"stream":true,"stream_options":{"include_usage":true}}',
    );
    expect(spliced('{"stream":true,"stream_options":null}')).toBe(
      '{"stream":true,"stream_options":{"include_usage":true}}',
    );
  });

  it('leaves alone what the caller chose and what is no stream or no JSON object', () => {
    for (const body of [
      '{"stream":true,"stream_options":{"include_usage":false}}',
      '{"stream":true,"stream_options":{"include_usage":true}}',
      '{"stream":false}',
      '{"model":"m"}',
      '{"stream":"true"}',
      '{"stream":true,"stream_options":"x"}',
      '[{"stream":true}]',
      '{"stream":true,',
      'stream=true',
      '',
      // A key inside a string value is not a member.
      '{"note":"\\"stream\\":true"}',
    ])
      expect(spliced(body)).toBeUndefined();
  });
});

describe('the stream filter: what the option added is removed, byte for byte', () => {
  for (const name of ['openai-05-chat-stream-include-usage', 'openai-04-chat-stream-2024']) {
    const asked = sse(chatStreamFor(name, { stream_options: { include_usage: true } }));
    const plain = sse(chatStreamFor(name, {}));

    it(`${name}: the asked-for stream, split at every 7th byte, becomes the plain one`, () => {
      const input = bytes(asked);
      expect(asked).not.toBe(plain);
      for (let cut = 0; cut <= input.length; cut += 7) {
        const filter = createIncludeUsageFilter();
        const out = [filter.write(input.subarray(0, cut)), filter.write(input.subarray(cut)), filter.end()];
        expect(out.map(text).join('')).toBe(plain);
      }
    });
  }

  it('keeps CRLF framing, comments and events without usage as they came', () => {
    const input =
      ': keep-alive\r\n\r\ndata: {"id":"a","choices":[{"delta":{"content":"hi"}}],"usage":null}\r\n\r\n' +
      'data: {"id":"a","choices":[],"usage":{"prompt_tokens":1}}\r\n\r\ndata: [DONE]\r\n\r\n';
    const filter = createIncludeUsageFilter();
    const out = text(filter.write(bytes(input))) + text(filter.end())!;
    expect(out).toBe(
      ': keep-alive\r\n\r\ndata: {"id":"a","choices":[{"delta":{"content":"hi"}}]}\r\n\r\ndata: [DONE]\r\n\r\n',
    );
  });

  it('cuts usage first, last or alone in a chunk and keeps a chunk that has choices besides usage', () => {
    expect(text(withoutAddedUsage(bytes('data: {"usage":null,"id":"x"}\n\n')))).toBe('data: {"id":"x"}\n\n');
    expect(text(withoutAddedUsage(bytes('data: {"usage":null}\n\n')))).toBe('data: {}\n\n');
    expect(text(withoutAddedUsage(bytes('data: {"choices":[{"index":0}],"usage":{"a":1}}\n\n')))).toBe(
      'data: {"choices":[{"index":0}]}\n\n',
    );
    expect(withoutAddedUsage(bytes('data: {"choices":[ ],"usage":{"a":1}}\n\n'))).toBeUndefined();
  });
});

describe('refusesIncludeUsage', () => {
  it('is a 400 or 422 naming the option', () => {
    expect(
      refusesIncludeUsage(400, '{"error":{"message":"Unrecognized request argument supplied: stream_options"}}'),
    ).toBe(true);
    expect(refusesIncludeUsage(422, '{"detail":[{"type":"extra_forbidden","loc":["body","stream_options"]}]}')).toBe(
      true,
    );
    expect(refusesIncludeUsage(400, '{"error":{"message":"Invalid temperature"}}')).toBe(false);
    expect(refusesIncludeUsage(500, 'stream_options')).toBe(false);
  });
});
