/**
 * AWS event-stream framing (`application/vnd.amazon.eventstream`), as Bedrock's ConverseStream
 * sends it: binary frames of
 * `total length (u32 BE) | headers length (u32 BE) | prelude CRC32 | headers | payload | message CRC32`,
 * headers being `name length (u8) | name | type (u8) | value`.
 * https://docs.aws.amazon.com/AmazonS3/latest/API/RESTSelectObjectAppendix.html (same encoding;
 * also smithy-typescript `eventstream-codec`).
 *
 * The decoder yields one `{ event, data }` per event frame (`event` = the `:event-type` header,
 * `data` = the UTF-8 payload), so Bedrock streams feed the same accumulator as decoded ones.
 * CRCs are checked when the runtime has `zlib.crc32` (Node >= 20.15).
 *
 * @module
 */
import { loadZlib } from '../lazy/index.js';
import type { StreamEventInput } from './stream-support.js';

const PRELUDE_LENGTH = 12;
const MINIMUM_FRAME = 16;

/** zlib's CRC-32 where the runtime has it; zlib loads on the first event stream read. */
let runtimeCrc32: ((data: Uint8Array) => number) | undefined | null = null;
function crc32Function(): ((data: Uint8Array) => number) | undefined {
  if (runtimeCrc32 === null) {
    const zlib = loadZlib();
    runtimeCrc32 = typeof zlib.crc32 === 'function' ? (data) => zlib.crc32(data) : undefined;
  }
  return runtimeCrc32;
}

/** What one `push` produced: events, and problems met (frames skipped, stream corrupt). */
export interface EventStreamOutput {
  events: StreamEventInput[];
  warnings: string[];
  /** True when framing was lost: nothing after this point can be read. */
  corrupt: boolean;
}

const utf8 = new TextDecoder('utf-8');

/** The decoded `bytes` of an InvokeModelWithResponseStream `chunk` payload (`{"bytes":"<base64>"}`). */
function payloadPartOf(data: string): string | undefined {
  if (!data.startsWith('{') || !data.includes('"bytes"')) return undefined;
  try {
    const parsed = JSON.parse(data) as { bytes?: unknown };
    return typeof parsed.bytes === 'string' ? Buffer.from(parsed.bytes, 'base64').toString('utf8') : undefined;
  } catch {
    return undefined;
  }
}

function readHeaders(bytes: Uint8Array): Map<string, string> | undefined {
  const headers = new Map<string, string>();
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  let offset = 0;
  while (offset < bytes.length) {
    const nameLength = bytes[offset]!;
    const name = utf8.decode(bytes.subarray(offset + 1, offset + 1 + nameLength));
    offset += 1 + nameLength;
    if (offset >= bytes.length) return undefined;
    const type = bytes[offset]!;
    offset += 1;
    // Fixed sizes of the non-string value types: bool true/false, byte, short, int, long, -, -, timestamp, uuid.
    const fixed = [0, 0, 1, 2, 4, 8, -1, -1, 8, 16][type];
    if (fixed === undefined) return undefined;
    if (fixed >= 0) {
      offset += fixed;
      continue;
    }
    if (offset + 2 > bytes.length) return undefined;
    const length = view.getUint16(offset);
    offset += 2;
    if (offset + length > bytes.length) return undefined;
    if (type === 7) headers.set(name, utf8.decode(bytes.subarray(offset, offset + length)));
    offset += length;
  }
  return offset === bytes.length ? headers : undefined;
}

/** Decodes AWS event-stream frames from bytes split anywhere. */
export class AwsEventStreamDecoder {
  private buffer: Uint8Array = new Uint8Array(0);
  private corrupt = false;

  constructor(private readonly maxFrameLength = 16_777_216) {}

  push(bytes: Uint8Array): EventStreamOutput {
    const output: EventStreamOutput = { events: [], warnings: [], corrupt: this.corrupt };
    if (this.corrupt) return output;
    if (this.buffer.length === 0) {
      this.buffer = bytes;
    } else {
      const joined = new Uint8Array(this.buffer.length + bytes.length);
      joined.set(this.buffer);
      joined.set(bytes, this.buffer.length);
      this.buffer = joined;
    }
    let offset = 0;
    const crc32 = crc32Function();
    const view = new DataView(this.buffer.buffer, this.buffer.byteOffset, this.buffer.byteLength);
    while (this.buffer.length - offset >= PRELUDE_LENGTH) {
      const total = view.getUint32(offset);
      const headersLength = view.getUint32(offset + 4);
      const preludeOk =
        crc32 === undefined || crc32(this.buffer.subarray(offset, offset + 8)) === view.getUint32(offset + 8);
      if (!preludeOk || total < MINIMUM_FRAME || total > this.maxFrameLength || headersLength > total - MINIMUM_FRAME) {
        this.corrupt = true;
        output.corrupt = true;
        output.warnings.push('AWS event-stream framing is corrupt; the rest of the stream was not metered');
        this.buffer = new Uint8Array(0);
        return output;
      }
      if (this.buffer.length - offset < total) break;
      const frame = this.buffer.subarray(offset, offset + total);
      offset += total;
      if (crc32 !== undefined && crc32(frame.subarray(0, total - 4)) !== view.getUint32(offset - 4)) {
        output.warnings.push('an AWS event-stream frame failed its CRC check; skipped');
        continue;
      }
      const headers = readHeaders(frame.subarray(PRELUDE_LENGTH, PRELUDE_LENGTH + headersLength));
      if (headers === undefined) {
        output.warnings.push('an AWS event-stream frame has unreadable headers; skipped');
        continue;
      }
      const messageType = headers.get(':message-type') ?? 'event';
      const data = utf8.decode(frame.subarray(PRELUDE_LENGTH + headersLength, total - 4));
      if (messageType !== 'event') {
        const kind = headers.get(':exception-type') ?? headers.get(':error-code') ?? messageType;
        output.warnings.push(`stream reported ${messageType} ${kind}`);
        continue;
      }
      const event = headers.get(':event-type');
      if (event === 'chunk') {
        // InvokeModelWithResponseStream wraps the model's own stream event as base64 `bytes`
        // (https://docs.aws.amazon.com/bedrock/latest/APIReference/API_runtime_PayloadPart.html):
        // the inner event (Anthropic's message_start..., or a model's JSON chunk) is what is metered.
        const inner = payloadPartOf(data);
        if (inner !== undefined) {
          output.events.push({ data: inner });
          continue;
        }
      }
      output.events.push(event === undefined ? { data } : { event, data });
    }
    // Keep only the unread tail (a copy, so the caller's chunk can be reused).
    this.buffer = offset === 0 ? this.buffer.slice() : this.buffer.slice(offset);
    return output;
  }

  /** Bytes left over at the end: a frame cut short. */
  get pendingBytes(): number {
    return this.buffer.length;
  }
}
