/**
 * `POST /v1/usage`: apps in any language report calls. The body is one event, an array of
 * events, or `{ "events": [...] }`; an event is a RecordInput as JSON (normalized `usage`, or a
 * raw provider `response` to normalize here, plus attribution). All events are validated
 * first (a 400 names `events[i].field` and nothing is stored); then the answer is 200 with
 * the ids only once every event is durable: `recorded` new events, `duplicates` events whose id
 * the ledger had already (or that repeated an id of the same request), not stored twice. A store failure is a
 * 503: nothing of that request was acknowledged, so nothing acknowledged is lost. With the
 * spool (`tokenledger serve`), the events are on disk before any answer: 200 once the store
 * has them, 202 `{ spooled }` when the store failed or was slow (the drain stores them; do not
 * re-send), 503 only when the spool refused them. An event the store refuses for good (a
 * constraint or encoding the validation could not see) is dead-lettered, the others stored:
 * the 200 lists it in `deadLettered` with the reason (GET /v1/dead-letters keeps it).
 *
 * @module
 */
import { Hono } from 'hono';
import { TokenledgerError } from '../../errors/index.js';
import { validateRecordInput } from '../../ledger/index.js';
import type { RecordInput } from '../../types/index.js';
import type { ServerDeps, ServerLimits } from '../deps.js';
import { badRequest, HttpError } from '../http-error.js';
import { type RequireKeyOptions, requireKey } from '../middleware/auth.js';
import { readJsonBody } from '../read-json.js';

function eventsOf(body: unknown, max: number): { inputs: unknown[]; single: boolean } {
  let inputs: unknown[];
  let single = false;
  if (Array.isArray(body)) inputs = body;
  else if (typeof body === 'object' && body !== null && Array.isArray((body as Record<string, unknown>)['events'])) {
    inputs = (body as Record<string, unknown>)['events'] as unknown[];
  } else if (typeof body === 'object' && body !== null) {
    inputs = [body];
    single = true;
  } else throw badRequest('body: must be an event object, an array of events or {"events": [...]}', 'body');
  if (inputs.length === 0) throw badRequest('events: empty', 'events');
  if (inputs.length > max)
    throw new HttpError(
      413,
      'too_many_events',
      `events: at most ${max} per request, got ${inputs.length}; split the batch`,
      { field: 'events' },
    );
  return { inputs, single };
}

export function createIngestRoutes(deps: ServerDeps, limits: ServerLimits, access: RequireKeyOptions): Hono {
  const app = new Hono();
  app.use('*', requireKey(access));
  app.post('/', async (c) => {
    const body = await readJsonBody(c, limits.maxBodyBytes);
    const { inputs, single } = eventsOf(body, limits.maxIngestEvents);
    for (const [index, input] of inputs.entries()) {
      try {
        validateRecordInput(input);
      } catch (error) {
        if (TokenledgerError.isInstance(error)) {
          const where = single ? '' : `events[${index}].`;
          throw badRequest(`${where}${error.message}`, `${where}${error.field ?? 'input'}`);
        }
        throw error;
      }
    }
    const result = await deps.ledger.recordMany(inputs as RecordInput[], { failOpen: false });
    if (result.rejected.length > 0) {
      // The ledger checks more than the input's shape (a provider must be known...). Nothing
      // of a request with a rejected event is acknowledged, but the valid ones were stored:
      // re-sending them is idempotent by id, so say which ones to fix.
      const first = result.rejected[0]!;
      const where = single ? '' : `events[${first.index}].`;
      throw badRequest(`${where}${first.error.message}`, `${where}${first.error.field ?? 'input'}`);
    }
    const dead = new Set(result.deadLettered.map((letter) => letter.id));
    deps.metrics.observeEvents(dead.size === 0 ? result.events : result.events.filter((event) => !dead.has(event.id)));
    const ids = result.events.map((event) => event.id);
    if (result.outcome === 'spooled') return c.json({ ids, recorded: 0, spooled: ids.length }, 202);
    const deadLettered = result.deadLettered.map(({ id, reason }) => ({ id, reason }));
    const duplicates = result.duplicates ?? 0;
    return c.json({ ids, recorded: ids.length - duplicates - deadLettered.length, duplicates, deadLettered });
  });
  return app;
}
