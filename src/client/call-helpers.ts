/**
 * Small helpers shared by the client and its batch runner.
 *
 * @module
 */
import { ProviderError, redactSecrets } from '../errors/index.js';
import type { EventError } from '../types/index.js';

/** The event error of a failed call: class name, HTTP status, message (never a secret). */
export function errorOf(error: unknown): EventError {
  if (error instanceof ProviderError) {
    return {
      type: error.name,
      ...(error.status === undefined ? {} : { status: error.status }),
      message: error.message,
    };
  }
  if (error instanceof Error) return { type: error.name, message: redactSecrets(error.message) };
  return { type: 'Error', message: redactSecrets(String(error)) };
}

/** One signal that aborts when either does. */
export function mergeSignals(first: AbortSignal | undefined, second: AbortSignal | undefined): AbortSignal | undefined {
  if (first === undefined) return second;
  if (second === undefined) return first;
  return AbortSignal.any([first, second]);
}
