export { createRecordingLedger } from './create-ledger.js';
export { withMeteredResult, NO_USAGE_REASON } from './metered-input.js';
export type { MeteredResult } from './metered-input.js';
export type { RecordingLedger, LedgerOptions, LedgerStats, RecordOptions, RecordManyResult } from './create-ledger.js';
export { DEFAULT_SPOOL_MAX_BYTES } from './spool.js';
export type { SpoolOptions, SpoolStats, SpoolState } from './spool.js';
export type { DurableAt, WriteOutcome } from './writer.js';
export { fitRecordInput } from './fit-input.js';
export {
  validateRecordInput,
  parseTime,
  isStorableText,
  cleanText,
  cutText,
  MAX_TOKEN_COUNT,
  MAX_DURATION_MS,
  MAX_USD,
  MAX_ATTEMPTS,
  MAX_NAME_LENGTH,
  MAX_ID_LENGTH,
  MAX_TAGS,
  MAX_TAG_KEY_LENGTH,
  MAX_TAG_VALUE_LENGTH,
  MAX_ERROR_MESSAGE_LENGTH,
} from './validate.js';
export { createEventIds } from './event-id.js';
export { sourceName, syncPriceData, updatePriceData } from './price-update.js';
export type { PriceSyncOutcome, PriceUpdateOptions, PriceUpdateOutcome } from './price-update.js';
export { repriceEvents } from './reprice.js';
export type { RepriceOptions, RepriceProgress, RepriceReport, RepriceFigures } from './reprice.js';
export { priceEvent } from './price-event.js';
export type { PriceEventInput, PricedEvent } from './price-event.js';
