/**
 * The answer a chat stream carried, as text: what the tokenizer estimate counts when the stream
 * ends without usage (a provider that sends none unasked, asked without the option) or when the
 * caller cancels it before the provider's count (a budget settles to what was streamed).
 * OpenAI-style chunks: content, reasoning, refusals and tool calls (name and arguments);
 * Anthropic `content_block_delta`s: text, thinking and tool input JSON. Each is billed as output.
 *
 * @module
 */
import { isRecord } from './counts.js';
import { isNotJsonText, parseJsonObject, type StreamEventInput } from './stream-support.js';

/** Text beyond this is not kept (the estimate is then not made). */
const MAX_TEXT_LENGTH = 16 * 1024 * 1024;

function deltaTexts(delta: Record<string, unknown>, out: string[]): void {
  for (const key of ['content', 'reasoning_content', 'reasoning', 'refusal']) {
    const value = delta[key];
    if (typeof value === 'string') out.push(value);
  }
  const calls = delta['tool_calls'];
  if (!Array.isArray(calls)) return;
  for (const call of calls as unknown[]) {
    const fn = isRecord(call) ? call['function'] : undefined;
    if (!isRecord(fn)) continue;
    if (typeof fn['name'] === 'string') out.push(fn['name']);
    if (typeof fn['arguments'] === 'string') out.push(fn['arguments']);
  }
}

/** The text of an Anthropic `content_block_delta` (`text_delta`, `thinking_delta`, `input_json_delta`). */
function anthropicDeltaText(delta: Record<string, unknown>): string | undefined {
  for (const key of ['text', 'thinking', 'partial_json']) {
    const value = delta[key];
    if (typeof value === 'string') return value;
  }
  return undefined;
}

/**
 * Collects the answer text of one chat stream. Lazily: most streams end with the provider's
 * usage and their text is never asked for, so events are kept as they came (the strings the
 * SSE parser made already) and parsed only when `text()` or `finished` is read. Past
 * MAX_TEXT_LENGTH of kept event data they are parsed at once and from then on as they come,
 * so that what is held stays bounded as before.
 */
export class ChatStreamText {
  private readonly parts: string[] = [];
  private length = 0;
  private overflow = false;
  private held: string[] = [];
  private heldLength = 0;
  private eager = false;
  private sawFinish = false;

  /** True once a choice said why it finished (`finish_reason`). */
  get finished(): boolean {
    this.settle();
    return this.sawFinish;
  }

  push(event: StreamEventInput): void {
    if (this.overflow || event.data === '[DONE]' || isNotJsonText(event.data)) return;
    if (this.eager) {
      this.parse(event.data);
      return;
    }
    this.held.push(event.data);
    this.heldLength += event.data.length;
    if (this.heldLength > MAX_TEXT_LENGTH) {
      this.settle();
      this.eager = true;
    }
  }

  /** The whole answer, or `undefined` when it grew past the limit. */
  text(): string | undefined {
    this.settle();
    return this.overflow ? undefined : this.parts.join('');
  }

  /** Parses the events held so far. */
  private settle(): void {
    const held = this.held;
    if (held.length === 0) return;
    this.held = [];
    this.heldLength = 0;
    for (const data of held) if (!this.overflow) this.parse(data);
  }

  private parse(data: string): void {
    const chunk = parseJsonObject(data);
    const texts: string[] = [];
    if (chunk?.['type'] === 'content_block_delta' && isRecord(chunk['delta'])) {
      const text = anthropicDeltaText(chunk['delta']);
      if (text !== undefined) texts.push(text);
    }
    const choices = chunk?.['choices'];
    if (Array.isArray(choices)) {
      for (const choice of choices as unknown[]) {
        if (!isRecord(choice)) continue;
        if (typeof choice['finish_reason'] === 'string') this.sawFinish = true;
        if (isRecord(choice['delta'])) deltaTexts(choice['delta'], texts);
      }
    }
    for (const text of texts) {
      this.length += text.length;
      this.parts.push(text);
    }
    if (this.length > MAX_TEXT_LENGTH) {
      this.overflow = true;
      this.parts.length = 0;
    }
  }
}
