/**
 * Bedrock ConverseStream as it travels: binary AWS event-stream frames (with real CRC32s),
 * rebuilt from the corpus's decoded recording, metered from raw bytes split anywhere.
 */
import { crc32 } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { createStreamMeter } from '#src/usage/index.js';
import { loadCorpus, type CorpusEvent } from '../helpers/sse.js';

const encoder = new TextEncoder();

function stringHeader(name: string, value: string): Uint8Array {
  const nameBytes = encoder.encode(name);
  const valueBytes = encoder.encode(value);
  const header = new Uint8Array(1 + nameBytes.length + 1 + 2 + valueBytes.length);
  header[0] = nameBytes.length;
  header.set(nameBytes, 1);
  header[1 + nameBytes.length] = 7; // string
  new DataView(header.buffer).setUint16(2 + nameBytes.length, valueBytes.length);
  header.set(valueBytes, 4 + nameBytes.length);
  return header;
}

/** One event-stream frame, as AWS encodes it. */
function frame(headers: Record<string, string>, payload: string, options: { breakCrc?: boolean } = {}): Uint8Array {
  const headerBytes = Object.entries(headers).map(([name, value]) => stringHeader(name, value));
  // A non-string header too (type 4, int32), as AWS sometimes sends, to exercise skipping it.
  const extra = new Uint8Array([5, ...encoder.encode(':test'), 4, 0, 0, 0, 1]);
  const headersLength = headerBytes.reduce((sum, bytes) => sum + bytes.length, 0) + extra.length;
  const payloadBytes = encoder.encode(payload);
  const total = 12 + headersLength + payloadBytes.length + 4;
  const bytes = new Uint8Array(total);
  const view = new DataView(bytes.buffer);
  view.setUint32(0, total);
  view.setUint32(4, headersLength);
  view.setUint32(8, crc32(bytes.subarray(0, 8)));
  let offset = 12;
  for (const header of headerBytes) {
    bytes.set(header, offset);
    offset += header.length;
  }
  bytes.set(extra, offset);
  offset += extra.length;
  bytes.set(payloadBytes, offset);
  view.setUint32(total - 4, crc32(bytes.subarray(0, total - 4)) ^ (options.breakCrc === true ? 1 : 0));
  return bytes;
}

function concat(parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((sum, part) => sum + part.length, 0));
  let offset = 0;
  for (const part of parts) {
    out.set(part, offset);
    offset += part.length;
  }
  return out;
}

const bedrock = loadCorpus().find((fixture) => fixture.name.startsWith('bedrock-04'))!;
const events = bedrock.body as CorpusEvent[];
const frames = events.map((event) =>
  frame(
    { ':event-type': event.event ?? '', ':content-type': 'application/json', ':message-type': 'event' },
    JSON.stringify(event.data),
  ),
);
const wire = concat(frames);

describe('Bedrock ConverseStream over the binary AWS event-stream framing', () => {
  it('meters the corpus stream exactly, without a hint', () => {
    const meter = createStreamMeter();
    meter.write(wire);
    const result = meter.end();
    expect(result.format).toBe('bedrock-converse');
    expect(result.usage).toMatchObject({
      inputTokens: 13,
      outputTokens: 82,
      totalTokens: 95,
      cacheReadTokens: 0,
      cacheWriteTokens: 0,
      reasoningTokens: 0,
    });
    expect(result.warnings).toEqual([]);
  });

  it('meters exactly when split in two at every byte offset', () => {
    for (let offset = 0; offset <= wire.length; offset++) {
      const meter = createStreamMeter({
        url: 'https://bedrock-runtime.us-east-1.amazonaws.com/model/m/converse-stream',
      });
      meter.write(wire.subarray(0, offset));
      meter.write(wire.subarray(offset));
      const usage = meter.end().usage;
      if (usage?.totalTokens !== 95) throw new Error(`split at ${offset}: ${JSON.stringify(usage)}`);
    }
  });

  it('skips a frame whose CRC fails, with a warning', () => {
    const broken = [...frames];
    broken[broken.length - 1] = frame(
      { ':event-type': 'metadata', ':message-type': 'event' },
      JSON.stringify(events.at(-1)!.data),
      { breakCrc: true },
    );
    const meter = createStreamMeter();
    meter.write(concat(broken));
    const result = meter.end();
    expect(result.usage).toBeUndefined();
    expect(result.warnings.join()).toMatch(/CRC/);
  });

  it('reports an exception frame and a frame cut short as warnings, never as zeros', () => {
    const exception = frame(
      { ':message-type': 'exception', ':exception-type': 'throttlingException' },
      '{"message":"slow down"}',
    );
    const meter = createStreamMeter();
    meter.write(concat([...frames.slice(0, 3), exception, frames[3]!.subarray(0, 10)]));
    const result = meter.end();
    expect(result.usage).toBeUndefined();
    expect(result.usageUnavailableReason).toBe('stream ended before usage arrived');
    expect(result.warnings.join()).toMatch(/exception throttlingException/);
    expect(result.warnings.join()).toMatch(/inside an AWS event-stream frame/);
  });

  it('stops at corrupt framing instead of reading garbage lengths', () => {
    const garbage = new Uint8Array([0, 0, 0, 20, 0, 0, 0, 4, 1, 2, 3, 4, 9, 9, 9, 9, 9, 9, 9, 9]);
    const meter = createStreamMeter();
    meter.write(concat([garbage, wire]));
    const result = meter.end();
    expect(result.usage).toBeUndefined();
    expect(result.warnings.join()).toMatch(/framing is corrupt/);
  });
});
