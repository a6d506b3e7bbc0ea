/**
 * A tiny stand-in meter for the tracking fetch's mechanics tests: OpenAI-style usage only
 * (prompt_tokens / completion_tokens), from a JSON body or the last SSE chunk carrying usage.
 * The real meters are src/usage's; test/http/tracking-fetch-usage.test.ts uses those.
 */
import type { UsageResult } from '#src/types/index.js';
import type { CreateUsageMeter } from '#src/http/index.js';

export const fakeMeter: CreateUsageMeter = (hint, contentType) => {
  const decoder = new TextDecoder();
  let text = '';
  const writes: number[] = [];
  return {
    write(chunk) {
      writes.push(chunk.byteLength);
      text += decoder.decode(chunk, { stream: true });
    },
    // Every chunk counts as content here, and [DONE] as the end marker.
    get firstContentAt() {
      return writes.length > 0 ? 0 : undefined;
    },
    get complete() {
      return text.includes('data: [DONE]');
    },
    end(): UsageResult {
      let usage: Record<string, number> | undefined;
      let model: string | undefined;
      const bodies = contentType.includes('event-stream')
        ? text
            .split('\n')
            .filter((line) => line.startsWith('data: ') && line !== 'data: [DONE]')
            .map((line) => line.slice(6))
        : [text];
      for (const body of bodies) {
        try {
          const value = JSON.parse(body) as { usage?: Record<string, number> | null; model?: string };
          if (value.usage) usage = value.usage;
          model = value.model ?? model;
        } catch {
          // ignore
        }
      }
      if (usage === undefined)
        return {
          format: undefined,
          provider: hint.provider,
          model,
          usage: undefined,
          usageUnavailableReason: 'fake: none',
          estimated: false,
          warnings: [],
        };
      const input = usage['prompt_tokens'];
      const output = usage['completion_tokens'];
      return {
        format: 'openai-chat',
        provider: 'openai',
        model,
        usage: {
          inputTokens: input,
          outputTokens: output,
          totalTokens: (input ?? 0) + (output ?? 0),
          cacheReadTokens: undefined,
          cacheWriteTokens: undefined,
          reasoningTokens: undefined,
        },
        rawUsage: usage,
        estimated: false,
        warnings: [],
      };
    },
  };
};
