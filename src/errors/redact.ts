/**
 * Secret redaction: API keys never reach a log, an event, an error message or a response.
 *
 * @module
 */

/** Header names whose values are secrets. */
const SECRET_HEADERS = new Set([
  'authorization',
  'proxy-authorization',
  'x-api-key',
  'api-key',
  'x-goog-api-key',
  'cookie',
  'set-cookie',
  'x-tokenledger-key',
]);

/**
 * Shapes of provider keys seen in the wild (sk-..., sk-ant-..., sk-or-..., AIza..., gsk_...,
 * xai-..., Bearer tokens). Matching is deliberately broad: a false positive costs a few
 * characters of a message, a false negative leaks a key.
 */
const SECRET_PATTERNS: RegExp[] = [
  /\b(sk|rk|pk)-[A-Za-z0-9_-]{8,}/g,
  /\bAIza[0-9A-Za-z_-]{20,}/g,
  /\b(gsk|xai|tl)[_-][A-Za-z0-9_-]{12,}/g,
  /\bBearer\s+[A-Za-z0-9._~+/=-]{8,}/gi,
  /([?&](?:key|api_key|apikey|token)=)[^&\s"']+/gi,
];

export const REDACTED = '[redacted]';

/** Replaces anything that looks like a key in free text. */
export function redactSecrets(text: string, extraSecrets: readonly string[] = []): string {
  let out = text;
  for (const secret of extraSecrets) {
    if (secret.length >= 4) out = out.split(secret).join(REDACTED);
  }
  for (const pattern of SECRET_PATTERNS) {
    // A query parameter keeps its name (`?key=[redacted]`); anything else goes whole.
    out = out.replace(pattern, (_match, group: unknown) =>
      typeof group === 'string' && /^[?&]/.test(group) ? `${group}${REDACTED}` : REDACTED,
    );
  }
  return out;
}

/** True when a header's value must never be shown. */
export function isSecretHeader(name: string): boolean {
  return SECRET_HEADERS.has(name.toLowerCase());
}

/** A plain copy of headers with secret values replaced. */
export function redactHeaders(headers: Headers | Record<string, string>): Record<string, string> {
  const out: Record<string, string> = {};
  const entries = headers instanceof Headers ? headers.entries() : Object.entries(headers);
  for (const [name, value] of entries) out[name] = isSecretHeader(name) ? REDACTED : redactSecrets(value);
  return out;
}
