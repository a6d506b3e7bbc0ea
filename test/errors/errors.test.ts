import { describe, expect, it } from 'vitest';
import {
  AuthenticationError,
  ProviderError,
  RateLimitError,
  REDACTED,
  TimeoutError,
  TokenledgerError,
  ValidationError,
  providerErrorFromStatus,
  redactHeaders,
  redactSecrets,
} from '#src/errors/index.js';

describe('redactSecrets', () => {
  it.each([
    ['OpenAI', 'bad key sk-proj-AbCdEf0123456789xyz given', 'bad key [redacted] given'],
    ['Anthropic', 'key sk-ant-api03-AbCdEf0123456789', 'key [redacted]'],
    ['OpenRouter', 'sk-or-v1-0123456789abcdef0123', '[redacted]'],
    ['Gemini', 'AIzaSyA-1234567890abcdefghijklmnop', '[redacted]'],
    ['Groq', 'gsk_0123456789abcdefghij', '[redacted]'],
    ['Bearer header', 'Authorization: Bearer abc.def-ghi_123456', 'Authorization: [redacted]'],
    [
      'query parameter',
      'GET /v1beta/models/x:generateContent?key=AIzaSecret123&alt=sse',
      'GET /v1beta/models/x:generateContent?key=[redacted]&alt=sse',
    ],
  ])('hides a %s key', (_name, text, expected) => {
    expect(redactSecrets(text)).toBe(expected);
  });

  it('hides explicitly named secrets wherever they appear, and leaves plain text alone', () => {
    expect(redactSecrets('upstream said: my-own-key-42 is invalid', ['my-own-key-42'])).toBe(
      `upstream said: ${REDACTED} is invalid`,
    );
    expect(redactSecrets('model gpt-4o answered 429')).toBe('model gpt-4o answered 429');
  });

  it('redacts secret headers by name', () => {
    expect(
      redactHeaders({
        authorization: 'Bearer sk-123456789abc',
        'x-api-key': 'whatever',
        'content-type': 'application/json',
      }),
    ).toEqual({
      authorization: REDACTED,
      'x-api-key': REDACTED,
      'content-type': 'application/json',
    });
  });
});

describe('error classes', () => {
  it('never carry a key in their message', () => {
    const error = new ValidationError('bad apiKey sk-live-0123456789abcdef', { field: 'apiKey' });
    expect(error.message).toBe('bad apiKey [redacted]');
    expect(error.field).toBe('apiKey');
    expect(error.code).toBe('invalid_input');
  });

  it('settle retryable from the status and x-should-retry', () => {
    expect(providerErrorFromStatus(429, 'slow down')).toBeInstanceOf(RateLimitError);
    expect(providerErrorFromStatus(401, 'no')).toBeInstanceOf(AuthenticationError);
    expect(providerErrorFromStatus(408, 'late')).toBeInstanceOf(TimeoutError);
    for (const status of [408, 409, 429, 500, 502, 503, 529])
      expect(providerErrorFromStatus(status, 'x').retryable).toBe(true);
    for (const status of [400, 401, 403, 404, 422]) expect(providerErrorFromStatus(status, 'x').retryable).toBe(false);
    expect(new ProviderError('x', { status: 400, headers: new Headers({ 'x-should-retry': 'true' }) }).retryable).toBe(
      true,
    );
    expect(new ProviderError('x', { status: 503, headers: new Headers({ 'x-should-retry': 'false' }) }).retryable).toBe(
      false,
    );
    expect(new ProviderError('network down').retryable).toBe(true);
  });

  it('are recognised across package copies by their marker', () => {
    expect(TokenledgerError.isInstance(new RateLimitError('x'))).toBe(true);
    expect(TokenledgerError.isInstance({ [Symbol.for('tokenledger.error')]: true })).toBe(true);
    expect(TokenledgerError.isInstance(new Error('x'))).toBe(false);
    expect(new RateLimitError('x').name).toBe('RateLimitError');
  });
});
