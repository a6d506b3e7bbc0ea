/**
 * One line of an Anthropic Message Batch's results (JSONL, `GET
 * /v1/messages/batches/{id}/results`), as documented at
 * https://docs.anthropic.com/en/api/retrieving-message-batch-results:
 * `{"custom_id": "r1", "result": {"type": "succeeded", "message": {...a Messages answer, usage
 * included...}}}`; `type` is otherwise `errored` (with `error: {type: "error", error: {type,
 * message}}`), `canceled` or `expired`, none of them billed. Read into the same item as an
 * OpenAI output line (batch-output.ts), so both are recorded alike.
 *
 * @module
 */
import type { BatchOutputItem } from './batch-output.js';

const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/** The item of one results line, or `undefined` for a line that is not one (blank, not JSON, no `custom_id`). */
export function readAnthropicBatchResultLine(line: string): BatchOutputItem | undefined {
  let value: unknown;
  try {
    value = JSON.parse(line);
  } catch {
    return undefined;
  }
  if (!isRecord(value) || typeof value['custom_id'] !== 'string' || !isRecord(value['result'])) return undefined;
  const item: BatchOutputItem = { customId: value['custom_id'] };
  const result = value['result'];
  if (result['type'] === 'succeeded' && isRecord(result['message'])) {
    item.statusCode = 200;
    item.body = result['message'];
    return item;
  }
  const outer = result['error'];
  const inner = isRecord(outer) ? outer['error'] : undefined;
  const message = isRecord(inner) ? inner['message'] : undefined;
  item.errorMessage =
    typeof message === 'string'
      ? message
      : typeof result['type'] === 'string'
        ? `the item was ${result['type']}`
        : 'the item failed';
  return item;
}
