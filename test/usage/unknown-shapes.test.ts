/**
 * Bodies no known format matches still give their numbers, by general rules, each with a warning
 * saying where they came from: a known body inside an envelope (batch output lines), a known
 * usage object anywhere in the body, else counters found by their names. The shapes are the
 * documented ones of each API (OpenAI and Anthropic batch results, Gemini batch lines, Bedrock
 * InvokeModel for Llama and Titan, watsonx.ai text generation, LangChain's response metadata).
 */
import { describe, expect, it } from 'vitest';
import { normalizeResponse } from '#src/usage/index.js';

const counts = (body: unknown) => {
  const result = normalizeResponse(body);
  const usage = result.usage;
  return {
    format: result.format,
    model: result.model,
    input: usage?.inputTokens,
    output: usage?.outputTokens,
    cacheRead: usage?.cacheReadTokens,
    warnings: result.warnings,
  };
};

describe('a known body inside an envelope', () => {
  it('an OpenAI Batch API output line: response.body', () => {
    const line = {
      id: 'batch_req_1',
      custom_id: 'request-1',
      response: {
        status_code: 200,
        request_id: 'req_1',
        body: {
          id: 'chatcmpl-1',
          object: 'chat.completion',
          model: 'gpt-4o-mini',
          choices: [],
          usage: {
            prompt_tokens: 10,
            completion_tokens: 2,
            total_tokens: 12,
            prompt_tokens_details: { cached_tokens: 4 },
          },
        },
      },
      error: null,
    };
    expect(counts(line)).toEqual({
      format: 'openai-chat',
      model: 'gpt-4o-mini',
      input: 10,
      output: 2,
      cacheRead: 4,
      warnings: ['read as the openai-chat body at `response.body`'],
    });
  });

  it('an Anthropic Message Batches result: result.message (cache counted as input)', () => {
    const line = {
      custom_id: 'request-1',
      result: {
        type: 'succeeded',
        message: {
          id: 'msg_1',
          type: 'message',
          role: 'assistant',
          model: 'claude-sonnet-4-5',
          content: [],
          usage: { input_tokens: 3, cache_read_input_tokens: 100, output_tokens: 5 },
        },
      },
    };
    expect(counts(line)).toMatchObject({ format: 'anthropic', input: 103, output: 5, cacheRead: 100 });
  });

  it('a Gemini batch output line: response', () => {
    const line = {
      key: 'request-1',
      response: {
        candidates: [],
        usageMetadata: { promptTokenCount: 7, candidatesTokenCount: 3, thoughtsTokenCount: 2 },
      },
    };
    expect(counts(line)).toMatchObject({ format: 'gemini', input: 7, output: 5 });
  });
});

describe('a known usage object anywhere in the body', () => {
  it('the body is the usage object itself', () => {
    expect(counts({ prompt_tokens: 5, completion_tokens: 3 })).toMatchObject({
      format: 'openai-chat',
      input: 5,
      output: 3,
      warnings: ['read the body itself as a openai-chat usage object'],
    });
  });

  it("LangChain's response_metadata.token_usage", () => {
    const message = { content: 'x', response_metadata: { token_usage: { prompt_tokens: 5, completion_tokens: 3 } } };
    expect(counts(message)).toMatchObject({
      input: 5,
      output: 3,
      warnings: ['read `response_metadata.token_usage` as a openai-chat usage object'],
    });
  });
});

describe('counters found by their names', () => {
  it('Llama on Bedrock InvokeModel (prompt_token_count is not Gemini usage beside generation_token_count)', () => {
    expect(
      counts({ generation: 'hi', prompt_token_count: 12, generation_token_count: 30, stop_reason: 'stop' }),
    ).toEqual({
      format: undefined,
      model: undefined,
      input: 12,
      output: 30,
      cacheRead: 0,
      warnings: [
        'no known usage format; counts read by field name (input: prompt_token_count, output: generation_token_count); no cache or reasoning split known',
      ],
    });
  });

  it("Titan on Bedrock InvokeModel: inputTextTokenCount, and the results' tokenCount", () => {
    const body = { inputTextTokenCount: 5, results: [{ tokenCount: 10, outputText: 'x', completionReason: 'FINISH' }] };
    expect(counts(body)).toMatchObject({ input: 5, output: 10 });
  });

  it('watsonx.ai text generation: results[].input_token_count and generated_token_count', () => {
    const body = { model_id: 'ibm/granite-13b', results: [{ generated_token_count: 9, input_token_count: 20 }] };
    expect(counts(body)).toMatchObject({ input: 20, output: 9 });
  });

  it('a counter that is not a count is distrusted, never a guess', () => {
    const result = normalizeResponse({ results: [{ input_token_count: -4, generated_token_count: 'many' }] });
    expect(result.usage).toBeUndefined();
    expect(result.usageUnavailableReason).toMatch(/no trustworthy token counts/);
  });

  it('nothing that looks like a count: usage unavailable with a reason', () => {
    const result = normalizeResponse({ foo: 1, bar: { baz: 2 } });
    expect(result.usage).toBeUndefined();
    expect(result.usageUnavailableReason).toBe('no known usage format matches this body');
  });
});
