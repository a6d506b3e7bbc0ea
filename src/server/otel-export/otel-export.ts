/**
 * What the server holds of an OTLP export while it runs (sdk-export.ts makes one).
 *
 * @module
 */
import type { UsageEvent } from '../../types/index.js';

export interface OtelExport {
  /** Queues one recorded call: a span now (sent in batches), metric points for the next interval. */
  export(event: UsageEvent): void;
  /** Sends everything queued now. */
  flush(): Promise<void>;
  /** Sends what is queued, then stops. */
  shutdown(): Promise<void>;
}
