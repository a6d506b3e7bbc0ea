/**
 * How every command ends when it fails: one line on stderr, `tokenledger COMMAND: message`,
 * never a stack trace, and exit code 1 (README "Exit codes"). Our errors' messages are written
 * for the reader and hold no secret (src/errors redacts them).
 *
 * @module
 */
import { TokenledgerError } from '../errors/index.js';

export function reportFailure(command: string, error: unknown): void {
  const message = TokenledgerError.isInstance(error) || error instanceof Error ? error.message : String(error);
  process.stderr.write(`tokenledger ${command}: ${message}\n`);
  process.exitCode = 1;
}
