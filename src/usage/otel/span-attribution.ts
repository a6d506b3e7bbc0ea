/**
 * Who spent a span's tokens: agent, run and tags, read from the span, then its resource.
 *
 * - run: `tokenledger.run`, else the trace id (one trace is one run of the app);
 * - agent: `tokenledger.agent`, GenAI `gen_ai.agent.name`, OpenInference `agent.name`, the AI
 *   SDK's `ai.telemetry.functionId`, OpenLLMetry's `traceloop.entity.name` on an agent span; else the agent of the span's parent when the parent came in
 *   the same request (an `invoke_agent` span names its agent, its model calls do not);
 * - tags: `session` (`gen_ai.conversation.id`, `session.id`, OpenLLMetry's
 *   `traceloop.association.properties.session_id`), `user` (`user.id`, `enduser.id`,
 *   `...association.properties.user_id`), `workflow` (`gen_ai.workflow.name`,
 *   `traceloop.workflow.name`), `service` (resource `service.name`), every string in the AI
 *   SDK's `ai.telemetry.metadata.*` and OpenLLMetry's `traceloop.association.properties.*`
 *   under its own key, and `tokenledger.tag.KEY`.
 *
 * Spans are sent by apps, not typed by a person: a value past the ledger's limits (validate.ts)
 * is cut, a key past them dropped, each with a warning; the call is kept.
 *
 * @module
 */
import type { Attribution } from '../../types/index.js';
import { firstString, type OtelAttributes, type OtelSpan, stringAttribute } from './span.js';

/** The ledger's limits (ledger/validate.ts, one layer up: restated, checked by a test). */
export const SPAN_NAME_LIMIT = 256;
export const SPAN_TAG_LIMITS = { keys: 64, keyLength: 64, valueLength: 256 } as const;

const AGENT_KEYS = ['tokenledger.agent', 'gen_ai.agent.name', 'agent.name', 'ai.telemetry.functionId'];
const TAG_SOURCES: readonly (readonly [string, readonly string[]])[] = [
  ['session', ['gen_ai.conversation.id', 'session.id', 'traceloop.association.properties.session_id']],
  ['user', ['user.id', 'enduser.id', 'traceloop.association.properties.user_id']],
  ['workflow', ['gen_ai.workflow.name', 'traceloop.workflow.name']],
];
/** Prefixes whose string attributes become tags under the rest of their key. */
const TRACELOOP_PROPERTIES = 'traceloop.association.properties.';
const TAG_PREFIXES = ['tokenledger.tag.', 'ai.telemetry.metadata.', TRACELOOP_PROPERTIES];

export interface SpanAttribution extends Attribution {
  tags: Record<string, string>;
}

/** Cuts `value` to `limit` characters, saying so in `warnings`. */
export function capped(value: string, limit: number, field: string, warnings: string[]): string {
  if (value.length <= limit) return value;
  warnings.push(`${field} was ${value.length} characters; cut to ${limit}`);
  return value.slice(0, limit);
}

/** The agent a span names itself (no parent lookup). */
export function ownAgent(span: OtelSpan): string | undefined {
  return (
    firstString(span.attributes, AGENT_KEYS) ??
    traceloopAgent(span) ??
    stringAttribute(span.origin.resource, 'tokenledger.agent')
  );
}

/** OpenLLMetry names an agent span by `traceloop.span.kind` agent and its `traceloop.entity.name`. */
function traceloopAgent(span: OtelSpan): string | undefined {
  return stringAttribute(span.attributes, 'traceloop.span.kind') === 'agent'
    ? stringAttribute(span.attributes, 'traceloop.entity.name')
    : undefined;
}

export function readSpanAttribution(
  span: OtelSpan,
  parentAgent: ((span: OtelSpan) => string | undefined) | undefined,
  warnings: string[],
): SpanAttribution {
  const { attributes } = span;
  const resource = span.origin.resource;
  const run = stringAttribute(attributes, 'tokenledger.run') ?? stringAttribute(resource, 'tokenledger.run');
  const agent = ownAgent(span) ?? parentAgent?.(span);
  const tags = new TagSet(warnings);
  const service = stringAttribute(resource, 'service.name');
  if (service !== undefined) tags.add('service', service);
  for (const [tag, keys] of TAG_SOURCES) {
    const value = firstString(attributes, keys) ?? firstString(resource, keys);
    if (value !== undefined) tags.add(tag, value);
  }
  prefixedTags(resource, tags);
  prefixedTags(attributes, tags);
  const attribution: SpanAttribution = {
    run: capped(run ?? span.traceId, SPAN_NAME_LIMIT, 'run', warnings),
    tags: tags.record,
  };
  if (agent !== undefined) attribution.agent = capped(agent, SPAN_NAME_LIMIT, 'agent', warnings);
  return attribution;
}

/**
 * The tags of `source`'s prefixed string attributes (TAG_PREFIXES). Every attribute of every
 * span passes here: a forEach and a loop over the prefixes, not an entry array and a closure
 * made per attribute (readSpanAttribution was a tenth of a 1,000-span batch's allocations).
 */
function prefixedTags(source: OtelAttributes, tags: TagSet): void {
  source.forEach((value, key) => {
    if (typeof value !== 'string' || value === '') return;
    const prefix = tagPrefixOf(key);
    if (prefix === undefined) return;
    const tag = key.slice(prefix.length);
    // session_id / user_id already became session / user above.
    if (prefix === TRACELOOP_PROPERTIES && (tag === 'session_id' || tag === 'user_id')) return;
    tags.add(tag, value);
  });
}

function tagPrefixOf(key: string): string | undefined {
  for (const prefix of TAG_PREFIXES) if (key.startsWith(prefix)) return prefix;
  return undefined;
}

/** Tags within the ledger's limits; what does not fit is cut or dropped, with a warning. */
class TagSet {
  /** Built as the tags come (not a Map turned into an object at the end: two allocations a span fewer). */
  readonly record: Record<string, string> = {};
  private size = 0;
  private full = false;
  constructor(private readonly warnings: string[]) {}

  add(key: string, value: string): void {
    if (key === '') return;
    if (key.length > SPAN_TAG_LIMITS.keyLength) {
      this.warnings.push(`tag ${key.slice(0, 40)}... dropped: its key is longer than ${SPAN_TAG_LIMITS.keyLength}`);
      return;
    }
    const known = Object.hasOwn(this.record, key);
    if (!known && this.size >= SPAN_TAG_LIMITS.keys) {
      if (!this.full) this.warnings.push(`tags beyond ${SPAN_TAG_LIMITS.keys} dropped`);
      this.full = true;
      return;
    }
    if (!known) this.size++;
    const kept = capped(value, SPAN_TAG_LIMITS.valueLength, `tags.${key}`, this.warnings);
    // An assignment to `__proto__` would set the prototype: defined, it stays a key.
    if (key === '__proto__')
      Object.defineProperty(this.record, key, { value: kept, enumerable: true, writable: true, configurable: true });
    else this.record[key] = kept;
  }
}
