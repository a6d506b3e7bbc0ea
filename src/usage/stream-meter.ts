/**
 * `createStreamMeter`: meters a stream from its raw bytes, split anywhere. SSE goes through
 * eventsource-parser (event lines, comments such as `: OPENROUTER PROCESSING`, CRLF, `[DONE]`);
 * Ollama's newline-delimited JSON through a line splitter. Without a hint the framing is chosen
 * by the first non-space character (`{` means NDJSON) and the format by the first event that
 * parses. Never throws: whatever goes wrong becomes a warning or "usage unavailable".
 *
 * Not decoded: AWS's binary event-stream framing (Bedrock ConverseStream). Push its decoded
 * events through `createStreamAccumulator('bedrock-converse')` instead.
 *
 * @module
 */
import { createParser, type EventSourceParser } from 'eventsource-parser';
import type { FormatHint, UsageFormat, UsageResult } from '../types/index.js';
import { formatFromBody, formatFromUrl, providerFromHint } from './detect.js';
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
}

/** Meters one stream. */
export interface StreamMeter {
  /** Feeds raw bytes or text, split anywhere. */
  write(chunk: Uint8Array | string): void;
  /** Ends the stream and returns its usage (`usage: undefined` with a reason if it never came). */
  end(): UsageResult;
  /** Clock time of the first event carrying content (not a preamble such as message_start). */
  readonly firstContentAt: number | undefined;
  /** The format detected (or hinted), once known. */
  readonly format: UsageFormat | undefined;
}

/** Events held while the format is still unknown (garbage before the first real event). */
const MAX_PENDING_EVENTS = 64;

function formatFromProviderId(provider: string | undefined): UsageFormat | undefined {
  if (provider === undefined) return undefined;
  if (provider === 'anthropic') return 'anthropic';
  if (provider === 'google') return 'gemini';
  if (provider === 'bedrock') return 'bedrock-converse';
  if (provider === 'cohere') return 'cohere';
  if (provider === 'ollama') return 'ollama';
  return 'openai-chat';
}

/**
 * Meters a raw stream.
 *
 * @example
 * const meter = createStreamMeter({ url: 'https://api.openai.com/v1/chat/completions' });
 * for await (const chunk of response.body) meter.write(chunk);
 * const { usage, usageUnavailableReason } = meter.end();
 */
export function createStreamMeter(hint?: FormatHint, options: StreamMeterOptions = {}): StreamMeter {
  const now = options.now ?? Date.now;
  const maxBufferSize = options.maxBufferSize ?? 16_777_216;
  const decoder = new TextDecoder('utf-8');
  const warnings: string[] = [];
  const urlFormat = formatFromUrl(hint?.url);
  const hintedProvider = providerFromHint(hint);

  let framing: 'sse' | 'ndjson' | undefined = urlFormat === 'ollama' || hintedProvider === 'ollama' ? 'ndjson' : undefined;
  let format: UsageFormat | undefined = urlFormat;
  let accumulator: StreamAccumulator | undefined = format === undefined ? undefined : createStreamAccumulator(format, hint);
  let pending: StreamEventInput[] = [];
  let firstContentAt: number | undefined;
  let parser: EventSourceParser | undefined;
  let lineBuffer = '';
  let broken = false;
  let ended: UsageResult | undefined;

  const deliver = (event: StreamEventInput): void => {
    if (accumulator === undefined) {
      const detected = isNotJsonText(event.data) ? undefined : formatFromBody(parseJsonObject(event.data), event.event);
      if (detected === undefined) {
        if (pending.length < MAX_PENDING_EVENTS) pending.push(event);
        return;
      }
      format = detected;
      accumulator = createStreamAccumulator(detected, hint);
      const held = pending;
      pending = [];
      for (const earlier of held) accumulator.push(earlier);
    }
    if (firstContentAt === undefined && event.data !== '[DONE]' && !isNotJsonText(event.data) && !accumulator.isPreamble(event)) {
      firstContentAt = now();
    }
    accumulator.push(event);
  };

  const feedLines = (text: string): void => {
    let start = 0;
    const buffered = lineBuffer + text;
    for (;;) {
      const newline = buffered.indexOf('\n', start);
      if (newline < 0) break;
      const line = buffered.slice(start, newline).trim();
      if (line !== '') deliver({ data: line });
      start = newline + 1;
    }
    lineBuffer = buffered.slice(start);
    if (lineBuffer.length > maxBufferSize) {
      broken = true;
      warnings.push(`a line exceeded ${maxBufferSize} characters; the rest of the stream was not metered`);
      lineBuffer = '';
    }
  };

  const feed = (text: string): void => {
    if (broken || text === '') return;
    if (framing === undefined) {
      const first = text.trimStart();
      if (first === '') {
        lineBuffer += text;
        return;
      }
      framing = first.startsWith('{') ? 'ndjson' : 'sse';
      text = lineBuffer + text;
      lineBuffer = '';
    }
    if (framing === 'ndjson') {
      feedLines(text);
      return;
    }
    parser ??= createParser({
      onEvent: (message) => deliver(message.event === undefined ? { data: message.data } : { event: message.event, data: message.data }),
      maxBufferSize,
    });
    try {
      parser.feed(text);
    } catch {
      // eventsource-parser throws once its buffer limit was hit: the stream is corrupt.
      broken = true;
      warnings.push(`an SSE event exceeded ${maxBufferSize} characters; the rest of the stream was not metered`);
    }
  };

  return {
    get firstContentAt() {
      return firstContentAt;
    },
    get format() {
      return format;
    },
    write(chunk) {
      if (ended !== undefined) return;
      try {
        feed(typeof chunk === 'string' ? chunk : decoder.decode(chunk, { stream: true }));
      } catch (error) {
        broken = true;
        warnings.push(`stream could not be read (${error instanceof Error ? error.message.slice(0, 120) : 'unknown error'})`);
      }
    },
    end() {
      if (ended !== undefined) return ended;
      try {
        feed(decoder.decode());
        // A stream that stops without a final newline still delivers its last complete event.
        if (framing === 'sse') feed('\n\n');
        else if (framing === 'ndjson' && lineBuffer.trim() !== '') feedLines('\n');
        if (accumulator === undefined && pending.length > 0) {
          const fallback = formatFromProviderId(hintedProvider);
          if (fallback !== undefined) {
            format = fallback;
            accumulator = createStreamAccumulator(fallback, hint);
            for (const event of pending) accumulator.push(event);
          }
        }
        if (accumulator === undefined) {
          const reason = framing === undefined ? 'stream was empty' : 'stream ended before usage arrived (no event in a known format)';
          ended = toUsageResult({ usage: undefined, reason, warnings }, undefined, hintedProvider);
          return ended;
        }
        const result = accumulator.result();
        result.warnings = [...warnings, ...result.warnings];
        ended = result;
        return ended;
      } catch (error) {
        const detail = error instanceof Error ? error.message : String(error);
        ended = toUsageResult({ usage: undefined, reason: `usage could not be read (${detail.slice(0, 120)})`, warnings }, format, hintedProvider);
        return ended;
      }
    },
  };
}

/** Meters a whole raw stream given at once (SSE text, or NDJSON for Ollama). Never throws. */
export function meterStreamText(text: string, hint?: FormatHint): UsageResult {
  const meter = createStreamMeter(hint);
  meter.write(text);
  return meter.end();
}
