/**
 * A store error as text for logs and dead letters.
 *
 * @module
 */
import { redactSecrets } from '../errors/index.js';

/** Store errors may quote a connection URL: strip its password as well as key-shaped secrets. */
export function describeStoreError(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  return redactSecrets(message.replace(/(\/\/[^/\s:@]+:)[^@\s]+@/g, '$1[redacted]@'));
}
