/**
 * What a gateway call cost, told to the caller with the answer: a header on JSON answers, an
 * HTTP trailer on streams whose client accepts trailers (`TE: trailers`). The value is the
 * event's own cost, exact to the nano-dollar, so that it equals what the ledger stores.
 *
 * @module
 */
import type { Cost } from '../../types/index.js';

export const COST_HEADER = 'x-tokenledger-cost-usd';

/**
 * JSON answers up to this size are held until their last byte so that the header can carry
 * their cost (a JSON body is of no use to its reader before it is whole). Larger ones, such as
 * big embedding batches, are passed on as they come, without the header.
 */
export const COST_HEADER_MAX_BYTES = 4 * 1024 * 1024;

/** The cost in USD as an exact decimal (`0.0000125`); undefined when the call has no price. */
export function costHeaderValue(cost: Cost | null | undefined): string | undefined {
  if (cost === null || cost === undefined) return undefined;
  const nanos = cost.totalNanos;
  const whole = Math.floor(nanos / 1e9);
  const fraction = String(nanos % 1e9)
    .padStart(9, '0')
    .replace(/0+$/, '');
  return fraction === '' ? String(whole) : `${whole}.${fraction}`;
}

/** Whether the client said it reads trailers (`TE: trailers`, RFC 9110 section 10.1.4). */
export function acceptsTrailers(te: string | undefined): boolean {
  return te?.split(',').some((part) => part.trim().split(';')[0]?.toLowerCase() === 'trailers') === true;
}
