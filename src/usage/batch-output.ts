/**
 * One line of an OpenAI Batch API output or error file (JSONL, `GET /v1/files/{id}/content`),
 * as documented at https://platform.openai.com/docs/guides/batch#5-retrieve-the-results:
 * `{"id": "batch_req_...", "custom_id": "request-1", "response": {"status_code": 200,
 * "request_id": "...", "body": {...the call's answer, usage included...}}, "error": null}`.
 * A failed item has a non-2xx `status_code` (its body an error), or no `response` and an
 * `error` of `{code, message}`. A batch's input file (lines of `custom_id`, `method`, `url`,
 * `body`) has neither, and reads as no item.
 *
 * @module
 */
import { derivedEventId } from './derived-event-id.js';

export interface BatchOutputItem {
  customId: string;
  /** `response.status_code`; absent when the item failed without a response. */
  statusCode?: number;
  /** `response.body`: the call's answer (an error body when the status is not 2xx). */
  body?: Record<string, unknown>;
  /** `error.message` (or `error.code`) of an item that failed without a response. */
  errorMessage?: string;
  /** When the answer says it was made (`created`, `created_at`: seconds), epoch ms. */
  createdMs?: number;
}

const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/** The item of one output line, or `undefined` for a line that is not one (blank, an input line, not JSON). */
export function readBatchOutputLine(line: string): BatchOutputItem | undefined {
  let value: unknown;
  try {
    value = JSON.parse(line);
  } catch {
    return undefined;
  }
  if (!isRecord(value) || typeof value['custom_id'] !== 'string') return undefined;
  const item: BatchOutputItem = { customId: value['custom_id'] };
  const response = value['response'];
  const error = value['error'];
  if (isRecord(response)) {
    if (typeof response['status_code'] === 'number') item.statusCode = response['status_code'];
    const body = response['body'];
    if (isRecord(body)) {
      item.body = body;
      const created = body['created'] ?? body['created_at'];
      if (typeof created === 'number' && Number.isFinite(created) && created > 0) item.createdMs = created * 1000;
    }
    return item;
  }
  if (isRecord(error)) {
    const message = error['message'] ?? error['code'];
    item.errorMessage = typeof message === 'string' ? message : 'the item failed';
    return item;
  }
  return undefined;
}

/**
 * The event id of one batch item: from the batch's file and the item's `custom_id` (unique in a
 * batch), so results fetched twice are recorded once; its time part is the answer's creation.
 */
export function batchItemEventId(fileId: string, customId: string, createdMs: number | undefined): string {
  return derivedEventId(`batch:${fileId}:${customId}`, createdMs ?? 0);
}
