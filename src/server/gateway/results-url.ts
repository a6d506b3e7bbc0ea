/**
 * An Anthropic Message Batch names where its results are (`results_url`), and the SDK's
 * `messages.batches.results()` fetches that URL as it is: the upstream's, past this gateway,
 * unrecorded. So in a batch (or a list of batches) fetched through here, a `results_url` on the
 * upstream's origin is pointed at this gateway's `/anthropic` prefix instead: a byte splice of
 * the URLs (no re-serialization), the one edit besides the stream-usage splice. Answers are
 * small; one larger than RESULTS_URL_MAX_BYTES is passed on unchanged.
 *
 * @module
 */

export const RESULTS_URL_MAX_BYTES = 1024 * 1024;

const RESULTS_URL = /("results_url"\s*:\s*")(https?:\/\/[^"/]+)(\/v1\/messages\/batches\/)/g;

/**
 * The answer with each `results_url` on `upstreamOrigin` (`https://api.anthropic.com`) moved to
 * `gatewayBase` (`http://127.0.0.1:4000/anthropic`).
 */
export function pointResultsUrlsHere(body: Buffer, upstreamOrigin: string, gatewayBase: string): Buffer {
  const text = body.toString('utf8');
  let changed = false;
  const out = text.replace(RESULTS_URL, (whole, key: string, origin: string, path: string) => {
    if (origin !== upstreamOrigin) return whole;
    changed = true;
    return `${key}${gatewayBase}${path}`;
  });
  return changed ? Buffer.from(out, 'utf8') : body;
}

/** The base a client reached this gateway's Anthropic prefix at, from its request. */
export function gatewayAnthropicBase(host: string | undefined, forwardedProto: string | undefined): string | undefined {
  if (host === undefined || host === '' || /[\s"\\/]/.test(host)) return undefined;
  const proto = forwardedProto === 'https' ? 'https' : 'http';
  return `${proto}://${host}/anthropic`;
}
