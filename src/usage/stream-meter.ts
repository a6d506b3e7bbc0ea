/**
 * `createStreamMeter`: meters a stream from its raw bytes, split anywhere. SSE goes through
 * eventsource-parser (event lines, comments such as `: OPENROUTER PROCESSING`, CRLF, `[DONE]`);
 * Ollama's newline-delimited JSON through a line splitter. Without a hint the framing is chosen
 * by the first non-space character (`{` means NDJSON) and the format by the first event that
 * parses. Never throws: whatever goes wrong becomes a warning or "usage unavailable".
 *
 * Bedrock ConverseStream's binary AWS event-stream framing is decoded too (aws-eventstream.ts),
 * recognised by its first byte (NUL).
 *
 * @module
 */
import type { EventSourceParser } from 'eventsource-parser';
import { loadEventsourceParser } from '../lazy/index.js';
import { providerRecord } from '../providers/index.js';
import type { FormatHint, UsageFormat, UsageResult } from '../types/index.js';
import { AwsEventStreamDecoder } from './aws-eventstream.js';
import { ChatStreamText } from './chat-stream-text.js';
import { formatFromBody, formatFromUrl, providerFromHint } from './detect.js';
import { readByFieldNames } from './fallback.js';
import { toUsageResult } from './result.js';
import { createStreamAccumulator, type StreamAccumulator } from './stream-accumulator.js';
import { isNotJsonText, parseJsonObject, type StreamEventInput } from './stream-support.js';

/** Options of `createStreamMeter`. */
export interface StreamMeterOptions {
  /**
   * The clock stamping `firstContentAt`, in milliseconds.
   * @default Date.now
   */
  now?: () => number;
  /**
   * Largest partial line or event (characters) buffered before the stream is declared corrupt.
   * @default 16_777_216 (16 Mi characters)
   */
  maxBufferSize?: number;
  /**
   * Keep the answer text of an OpenAI-style chat stream (`answerText`), for a tokenizer estimate
   * should the stream end without usage. Costs a parse per event, so only when asked.
   * @default false
   */
  collectAnswerText?: boolean;
}

/** Meters one stream. */
export interface StreamMeter {
  /** Feeds raw bytes or text, split anywhere. */
  write(chunk: Uint8Array | string): void;
  /** Ends the stream and returns its usage (`usage: undefined` with a reason if it never came). */
  end(): UsageResult;
  /** Clock time of the first event carrying content (not a preamble such as message_start). */
  readonly firstContentAt: number | undefined;
  /**
   * True once the stream's own end marker went by (`data: [DONE]`, Anthropic's `message_stop`):
   * the whole answer was seen, even if the reader stops right there (openai 7 cancels the body
   * at `[DONE]`).
   */
  readonly complete: boolean;
  /**
   * The answer text of a chat stream read with `collectAnswerText`, once the whole answer was
   * seen (end marker or finish reason); otherwise `undefined`.
   */
  readonly answerText: string | undefined;
  /**
   * The answer text streamed so far, complete or not, of a chat stream read with
   * `collectAnswerText` (OpenAI-style or Anthropic): what a stream the caller cancelled
   * delivered. `undefined` in other formats or past the text limit.
   */
  readonly streamedText: string | undefined;
  /** The format detected (or hinted), once known. */
  readonly format: UsageFormat | undefined;
}

/**
 * Where the last complete UTF-8 character of `bytes` ends: a multi-byte character cut by the
 * chunk boundary is held back for the next write.
 */
function completeUtf8Length(bytes: Uint8Array): number {
  const length = bytes.length;
  for (let back = 1; back <= 3 && back <= length; back++) {
    const byte = bytes[length - back]!;
    if ((byte & 0xc0) === 0x80) continue; // a continuation byte: look further back for the lead
    const needed = byte >= 0xf0 ? 4 : byte >= 0xe0 ? 3 : byte >= 0xc0 ? 2 : 1;
    return needed > back ? length - back : length;
  }
  return length;
}

/**
 * Decodes UTF-8 split anywhere. Buffer#toString is several times faster than a streaming
 * TextDecoder on small network chunks (measured while writing bench/usage.ts), and this runs on
 * every chunk of every metered stream.
 */
class Utf8ChunkDecoder {
  private carry: Uint8Array | undefined;

  write(bytes: Uint8Array): string {
    let input = bytes;
    if (this.carry !== undefined) {
      input = new Uint8Array(this.carry.length + bytes.length);
      input.set(this.carry);
      input.set(bytes, this.carry.length);
      this.carry = undefined;
    }
    const complete = completeUtf8Length(input);
    if (complete < input.length) this.carry = input.slice(complete);
    return Buffer.from(input.buffer, input.byteOffset, complete).toString('utf8');
  }

  end(): string {
    const rest = this.carry;
    this.carry = undefined;
    return rest === undefined ? '' : Buffer.from(rest).toString('utf8');
  }
}

/** Events held while the format is still unknown (garbage before the first real event). */
const MAX_PENDING_EVENTS = 64;

/** The format a provider's streams usually come in; OpenAI's for a provider nobody recorded. */
function formatFromProviderId(provider: string | undefined): UsageFormat | undefined {
  if (provider === undefined) return undefined;
  return providerRecord(provider)?.wireFormat ?? 'openai-chat';
}

/** The meter: a class, since one is made per stream on the gateway's hot path. */
class RawStreamMeter implements StreamMeter {
  private readonly now: () => number;
  private readonly maxBufferSize: number;
  private readonly decoder = new Utf8ChunkDecoder();
  private readonly warnings: string[] = [];
  private readonly hintedProvider: string | undefined;
  /** `json-array`: a stream answered as one JSON array of chunks (Gemini without alt=sse). */
  private framing: 'sse' | 'ndjson' | 'json-array' | 'aws-eventstream' | undefined;
  private eventStream: AwsEventStreamDecoder | undefined;
  private detectedFormat: UsageFormat | undefined;
  private accumulator: StreamAccumulator | undefined;
  private pending: StreamEventInput[] = [];
  /** The last event while the format is unknown: a stream in no known format may still end with its counts. */
  private lastUnknown: StreamEventInput | undefined;
  private contentAt: number | undefined;
  private sawEndMarker = false;
  private readonly answer: ChatStreamText | undefined;
  private parser: EventSourceParser | undefined;
  private lineBuffer = '';
  private broken = false;
  private ended: UsageResult | undefined;

  constructor(
    private readonly hint: FormatHint | undefined,
    options: StreamMeterOptions,
  ) {
    this.now = options.now ?? Date.now;
    this.maxBufferSize = options.maxBufferSize ?? 16_777_216;
    if (options.collectAnswerText === true) this.answer = new ChatStreamText();
    const urlFormat = formatFromUrl(hint?.url);
    this.hintedProvider = providerFromHint(hint);
    // NDJSON framing for Ollama's native API; its /v1 API (an openai-chat URL) streams SSE.
    if ((urlFormat ?? formatFromProviderId(this.hintedProvider)) === 'ollama') this.framing = 'ndjson';
    this.detectedFormat = urlFormat;
    if (urlFormat !== undefined) this.accumulator = createStreamAccumulator(urlFormat, hint);
  }

  get firstContentAt(): number | undefined {
    return this.contentAt;
  }

  get format(): UsageFormat | undefined {
    return this.detectedFormat;
  }

  get complete(): boolean {
    return this.sawEndMarker;
  }

  get answerText(): string | undefined {
    if (this.answer === undefined || this.detectedFormat !== 'openai-chat') return undefined;
    return this.sawEndMarker || this.answer.finished ? this.answer.text() : undefined;
  }

  get streamedText(): string | undefined {
    if (this.answer === undefined) return undefined;
    return this.detectedFormat === 'openai-chat' || this.detectedFormat === 'anthropic'
      ? this.answer.text()
      : undefined;
  }

  write(chunk: Uint8Array | string): void {
    if (this.ended !== undefined) return;
    try {
      if (typeof chunk !== 'string') {
        // Text streams never start with a NUL byte; an AWS event-stream frame does (its length's
        // high byte), so the first byte tells binary Bedrock streams apart.
        if (this.framing === undefined && chunk.length > 0 && chunk[0] === 0) this.framing = 'aws-eventstream';
        if (this.framing === 'aws-eventstream') {
          this.feedEventStream(chunk);
          return;
        }
      }
      this.feed(typeof chunk === 'string' ? chunk : this.decoder.write(chunk));
    } catch (error) {
      this.broken = true;
      this.warnings.push(
        `stream could not be read (${error instanceof Error ? error.message.slice(0, 120) : 'unknown error'})`,
      );
    }
  }

  end(): UsageResult {
    if (this.ended !== undefined) return this.ended;
    try {
      this.feed(this.decoder.end());
      // A stream that stops without a final newline still delivers its last complete event.
      if (this.framing === 'sse') this.feed('\n\n');
      else if (this.framing === 'ndjson' && this.lineBuffer.trim() !== '') this.feedLines('\n');
      else if (this.framing === 'json-array') this.deliverArray();
      else if (this.framing === 'aws-eventstream' && (this.eventStream?.pendingBytes ?? 0) > 0)
        this.warnings.push('stream ended inside an AWS event-stream frame');
      if (this.accumulator === undefined && this.pending.length > 0) {
        const fallback = formatFromProviderId(this.hintedProvider);
        if (fallback !== undefined) {
          this.detectedFormat = fallback;
          this.accumulator = createStreamAccumulator(fallback, this.hint);
          for (const event of this.pending) this.accumulator.push(event);
        }
      }
      if (this.accumulator === undefined && this.lastUnknown !== undefined) {
        // A stream in no known format: the counters its last event names, if any (fallback.ts).
        const last = parseJsonObject(this.lastUnknown.data);
        const byName = last === undefined ? undefined : readByFieldNames(last);
        if (byName?.usage !== undefined) {
          this.ended = toUsageResult(
            {
              ...byName,
              warnings: [
                ...this.warnings,
                'read from the last event of a stream in no known format',
                ...byName.warnings,
              ],
            },
            undefined,
            this.hintedProvider,
          );
          return this.ended;
        }
      }
      if (this.accumulator === undefined) {
        const reason =
          this.framing === undefined
            ? 'stream was empty'
            : 'stream ended before usage arrived (no event in a known format)';
        this.ended = toUsageResult(
          { usage: undefined, reason, warnings: this.warnings },
          undefined,
          this.hintedProvider,
        );
        return this.ended;
      }
      const result = this.accumulator.result();
      result.warnings = [...this.warnings, ...result.warnings];
      this.ended = result;
    } catch (error) {
      const detail = error instanceof Error ? error.message : String(error);
      this.ended = toUsageResult(
        { usage: undefined, reason: `usage could not be read (${detail.slice(0, 120)})`, warnings: this.warnings },
        this.detectedFormat,
        this.hintedProvider,
      );
    }
    return this.ended;
  }

  private deliver(event: StreamEventInput): void {
    if (event.data === '[DONE]' || event.event === 'message_stop') this.sawEndMarker = true;
    this.answer?.push(event);
    let accumulator = this.accumulator;
    if (accumulator === undefined) {
      const detected = isNotJsonText(event.data) ? undefined : formatFromBody(parseJsonObject(event.data), event.event);
      if (detected === undefined) {
        if (this.pending.length < MAX_PENDING_EVENTS) this.pending.push(event);
        if (event.data.startsWith('{')) this.lastUnknown = event;
        return;
      }
      this.detectedFormat = detected;
      accumulator = this.accumulator = createStreamAccumulator(detected, this.hint);
      const held = this.pending;
      this.pending = [];
      for (const earlier of held) accumulator.push(earlier);
    }
    if (
      this.contentAt === undefined &&
      event.data !== '[DONE]' &&
      !isNotJsonText(event.data) &&
      !accumulator.isPreamble(event)
    ) {
      this.contentAt = this.now();
    }
    accumulator.push(event);
  }

  private feedEventStream(bytes: Uint8Array): void {
    if (this.broken) return;
    this.eventStream ??= new AwsEventStreamDecoder(this.maxBufferSize);
    const output = this.eventStream.push(bytes);
    this.warnings.push(...output.warnings);
    if (output.corrupt) this.broken = true;
    for (const event of output.events) this.deliver(event);
  }

  private deliverArray(): void {
    let chunks: unknown;
    try {
      chunks = JSON.parse(this.lineBuffer);
    } catch {
      this.warnings.push('stream body looked like a JSON array but is not valid JSON');
      return;
    } finally {
      this.lineBuffer = '';
    }
    if (!Array.isArray(chunks)) return;
    for (const chunk of chunks) this.deliver({ data: JSON.stringify(chunk) ?? 'null' });
  }

  private feedLines(text: string): void {
    let start = 0;
    const buffered = this.lineBuffer + text;
    for (;;) {
      const newline = buffered.indexOf('\n', start);
      if (newline < 0) break;
      const line = buffered.slice(start, newline).trim();
      if (line !== '') this.deliver({ data: line });
      start = newline + 1;
    }
    this.lineBuffer = buffered.slice(start);
    if (this.lineBuffer.length > this.maxBufferSize) {
      this.broken = true;
      this.warnings.push(`a line exceeded ${this.maxBufferSize} characters; the rest of the stream was not metered`);
      this.lineBuffer = '';
    }
  }

  private feed(input: string): void {
    if (this.broken || input === '') return;
    let text = input;
    if (this.framing === undefined) {
      if (text.trimStart() === '') {
        this.lineBuffer += text;
        return;
      }
      const first = text.trimStart().charAt(0);
      this.framing = first === '{' ? 'ndjson' : first === '[' ? 'json-array' : 'sse';
      text = this.lineBuffer + text;
      this.lineBuffer = '';
    }
    if (this.framing === 'json-array') {
      // Whole-body JSON: buffered and read at end().
      this.lineBuffer += text;
      if (this.lineBuffer.length > this.maxBufferSize) {
        this.broken = true;
        this.warnings.push(`a JSON body exceeded ${this.maxBufferSize} characters; it was not metered`);
        this.lineBuffer = '';
      }
      return;
    }
    if (this.framing === 'ndjson') {
      this.feedLines(text);
      return;
    }
    if (this.framing === 'aws-eventstream') return; // binary framing: text cannot belong to it
    // EventSourceMessage is already `{ event?, id?, data }`: passed on as is, no copy per event.
    this.parser ??= loadEventsourceParser().createParser({
      onEvent: (message) => this.deliver(message),
      maxBufferSize: this.maxBufferSize,
    });
    try {
      this.parser.feed(text);
    } catch {
      // eventsource-parser throws once its buffer limit was hit: the stream is corrupt.
      this.broken = true;
      this.warnings.push(
        `an SSE event exceeded ${this.maxBufferSize} characters; the rest of the stream was not metered`,
      );
    }
  }
}

/**
 * Meters a raw stream. Never throws.
 *
 * @example
 * const meter = createStreamMeter({ url: 'https://api.openai.com/v1/chat/completions' });
 * for await (const chunk of response.body) meter.write(chunk);
 * const { usage, usageUnavailableReason } = meter.end();
 */
export function createStreamMeter(hint?: FormatHint, options: StreamMeterOptions = {}): StreamMeter {
  return new RawStreamMeter(hint, options);
}

/**
 * Meters a whole raw stream given at once: SSE or NDJSON as text or bytes, or a binary AWS event
 * stream as bytes (Bedrock ConverseStream). Never throws.
 */
export function meterStream(stream: string | Uint8Array, hint?: FormatHint): UsageResult {
  const meter = createStreamMeter(hint);
  meter.write(stream);
  return meter.end();
}

/** Meters a whole raw stream given as text (SSE, or NDJSON for Ollama). Never throws. */
export function meterStreamText(text: string, hint?: FormatHint): UsageResult {
  return meterStream(text, hint);
}
