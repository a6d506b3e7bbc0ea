/**
 * The logger seam. Parts that log (ledger, store, server) take one of these, injected, so a
 * library never writes to the console on its own (genai-prices' `console.warn` is the
 * counter-example in STYLE.md). A pino logger fits through a one-line adapter.
 *
 * @module
 */

/** Structured context attached to a log line. Never put a secret in it. */
export type LogContext = Record<string, unknown>;

export interface Logger {
  debug(message: string, context?: LogContext): void;
  info(message: string, context?: LogContext): void;
  warn(message: string, context?: LogContext): void;
  error(message: string, context?: LogContext): void;
}
