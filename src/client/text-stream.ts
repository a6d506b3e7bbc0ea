/**
 * A streamed call as the caller sees it: an async iterable of text pieces plus a `result`
 * promise for the whole (text, usage, cost, event). The call starts at once; pieces that
 * arrive before the caller iterates wait in a queue.
 *
 * @module
 */
import type { GenerateResult, TextStream } from './types.js';

/**
 * @param cancel - called when the caller stops iterating before the end (`break`, `return`,
 *   a throw in the loop body): the call is aborted and `result` rejects with an AbortError.
 */
export function createTextStream(
  start: (onDelta: (text: string) => void) => Promise<GenerateResult>,
  cancel: () => void = () => undefined,
): TextStream {
  const queue: string[] = [];
  let finished = false;
  let failure: unknown;
  let wake: (() => void) | undefined;
  const notify = (): void => {
    const resume = wake;
    wake = undefined;
    resume?.();
  };
  const result = start((text) => {
    queue.push(text);
    notify();
  }).then(
    (value) => {
      finished = true;
      notify();
      return value;
    },
    (error: unknown) => {
      finished = true;
      failure = error;
      notify();
      throw error;
    },
  );
  // Iterating alone must not leave an unhandled rejection behind; `result` still rejects.
  result.catch(() => undefined);
  return {
    result,
    async *[Symbol.asyncIterator]() {
      try {
        for (;;) {
          if (queue.length > 0) {
            yield queue.shift() as string;
            continue;
          }
          if (finished) {
            if (failure !== undefined) throw failure;
            return;
          }
          await new Promise<void>((resolve) => (wake = resolve));
        }
      } finally {
        if (!finished) cancel();
      }
    },
  };
}
