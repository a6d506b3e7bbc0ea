/**
 * One status line that a long command keeps current on stderr: redrawn in place on a terminal
 * (at most every 100 ms), printed as plain lines every `intervalMs` otherwise, so that logs
 * and CI never get a `\r`.
 *
 * @module
 */

export interface LiveStatus {
  /** Offers the current state; `render` runs only when a line is due (`tty`: drawn in place). */
  update(render: (tty: boolean) => string): void;
  /** Draws the last state and, on a terminal, ends the line. */
  finish(): void;
}

export interface LiveStatusOptions {
  stream: NodeJS.WritableStream & { isTTY?: boolean; columns?: number };
  /** Plain mode: ms between lines. @default 5000 */
  intervalMs?: number;
  now?: () => number;
}

const TTY_REDRAW_MS = 100;

export function createLiveStatus(options: LiveStatusOptions): LiveStatus {
  const { stream } = options;
  const tty = stream.isTTY === true;
  const now = options.now ?? Date.now;
  const interval = tty ? TTY_REDRAW_MS : (options.intervalMs ?? 5000);
  let last: ((tty: boolean) => string) | undefined;
  let drawnAt = Number.NEGATIVE_INFINITY;
  const draw = (): void => {
    if (last === undefined) return;
    const line = last(tty);
    // A pseudo-terminal may report 0 columns: take a usual width then.
    const columns = stream.columns === undefined || stream.columns === 0 ? 120 : stream.columns;
    if (tty) stream.write(`\r${line.slice(0, Math.max(20, columns - 1))}\u001b[K`);
    else stream.write(`${line}\n`);
  };
  return {
    update(render) {
      last = render;
      if (now() - drawnAt >= interval) {
        drawnAt = now();
        draw();
      }
    },
    finish() {
      draw();
      if (tty && last !== undefined) stream.write('\n');
    },
  };
}
