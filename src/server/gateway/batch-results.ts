/**
 * A batch's results, recorded when they are fetched through the gateway (`GET
 * /v1/files/{id}/content` of a Batch API output or error file, or Anthropic's `GET
 * /anthropic/v1/messages/batches/{id}/results`): one event per item, read line by
 * line from the bytes passing to the client (which get them untouched), with the item's usage,
 * model and status. Each event's id comes from the file and the item's `custom_id`
 * (usage/batch-output.ts), so results fetched twice are recorded once. Lines that are not batch
 * items (an input file, any other file) record nothing.
 *
 * @module
 */
import { providerErrorFromStatus } from '../../errors/index.js';
import type { Attribution, RecordInput } from '../../types/index.js';
import {
  batchItemEventId,
  type BatchOutputItem,
  readAnthropicBatchResultLine,
  readBatchOutputLine,
} from '../../usage/index.js';
import type { BatchResultsFormat } from './types.js';

/** Sees the body of an answer as it passes. */
export interface BodyTap {
  write(chunk: Buffer): void;
  /** The body ended whole. */
  end(): void;
}

/** A line longer than this is not read (it would be held in memory whole); its item is not recorded. */
const MAX_LINE_BYTES = 16 * 1024 * 1024;
const NEWLINE = 0x0a;

export interface BatchResultsOptions {
  /** The OpenAI output file's id, or the Anthropic batch's: with `custom_id`, it names each item's event. */
  fileId: string;
  format: BatchResultsFormat;
  provider: string;
  attribution: Attribution | undefined;
  record: (input: RecordInput) => void;
  /** Epoch ms, for items whose answer names no time. */
  now: () => number;
}

export function batchResultsTap(options: BatchResultsOptions): BodyTap {
  let held: Buffer[] = [];
  let heldBytes = 0;
  let skipping = false;

  const line = (bytes: Buffer): void => {
    if (bytes.length === 0) return;
    const text = bytes.toString('utf8');
    const item = options.format === 'anthropic' ? readAnthropicBatchResultLine(text) : readBatchOutputLine(text);
    if (item !== undefined) options.record(itemInput(item, options));
  };

  return {
    write(chunk) {
      let start = 0;
      for (let end = chunk.indexOf(NEWLINE); end !== -1; end = chunk.indexOf(NEWLINE, start)) {
        const part = chunk.subarray(start, end);
        if (!skipping) line(heldBytes === 0 ? part : Buffer.concat([...held, part], heldBytes + part.length));
        held = [];
        heldBytes = 0;
        skipping = false;
        start = end + 1;
      }
      if (start >= chunk.length || skipping) return;
      const rest = chunk.subarray(start);
      if (heldBytes + rest.length > MAX_LINE_BYTES) {
        skipping = true;
        held = [];
        heldBytes = 0;
        return;
      }
      held.push(rest);
      heldBytes += rest.length;
    },
    end() {
      // The last line may have no newline after it.
      if (!skipping && heldBytes > 0) line(Buffer.concat(held, heldBytes));
      held = [];
      heldBytes = 0;
    },
  };
}

function itemInput(item: BatchOutputItem, options: BatchResultsOptions): RecordInput {
  const { attribution } = options;
  const model = item.body?.['model'];
  const input: RecordInput = {
    ...attribution,
    // The reserved tags `batch_file` (OpenAI) or `batch_id` (Anthropic) and `custom_id` say which item it is.
    tags: {
      ...attribution?.tags,
      [options.format === 'anthropic' ? 'batch_id' : 'batch_file']: options.fileId,
      custom_id: item.customId,
    },
    id: batchItemEventId(options.fileId, item.customId, item.createdMs),
    time: item.createdMs ?? options.now(),
    provider: options.provider,
    model: typeof model === 'string' ? model : 'unknown',
    // Batch API calls are billed at the batch price; the item's body says `default`.
    serviceTier: 'batch',
  };
  const status = item.statusCode;
  if (status !== undefined && status >= 200 && status <= 299) {
    input.status = 'ok';
    input.response = item.body;
    return input;
  }
  input.status = 'error';
  input.usageUnavailableReason =
    status === undefined ? 'the batch item failed without a response' : `the provider answered ${status}`;
  input.error =
    status === undefined
      ? { type: 'BatchItemError', message: item.errorMessage ?? 'the item failed' }
      : { type: providerErrorFromStatus(status, `HTTP ${status}`).name, status, message: `HTTP ${status}` };
  return input;
}
