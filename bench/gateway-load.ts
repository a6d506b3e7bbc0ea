/** What the durability benches share: one gateway call through `serve` against the mock provider, timed, and the figures' arithmetic. */

/** Nearest-rank percentile; NaN for no values. */
export function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))] ?? Number.NaN;
}

export const ms = (value: number): string => value.toFixed(1);

export async function gatewayCall(url: string, run: string, stream: boolean): Promise<{ ok: boolean; ms: number }> {
  const started = performance.now();
  const response = await fetch(`${url}/v1/chat/completions`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-tokenledger-run': run },
    body: JSON.stringify({
      model: 'gpt-4o-mini',
      messages: [{ role: 'user', content: 'hi' }],
      ...(stream ? { stream: true, stream_options: { include_usage: true } } : {}),
    }),
  });
  const text = await response.text();
  const ok = response.status === 200 && (stream ? text.includes('data: [DONE]') : text.includes('"usage"'));
  return { ok, ms: performance.now() - started };
}
