/**
 * Batch progress on stderr: a live bar redrawn in place on a terminal (done/failed, rate,
 * ETA, tokens, cost so far), plain periodic lines otherwise (logs, CI).
 *
 * @module
 */
import { formatCount, formatDuration } from '../../analytics/index.js';
import type { BatchProgress } from '../../client/index.js';
import { createLiveStatus } from '../live-status.js';

export interface ProgressView {
  update(progress: BatchProgress): void;
  /** Draws the last state and ends the line. */
  finish(): void;
}

/**
 * One status line: `412/1000 done, 3 failed | 38.2/s | ETA 15s | 120,334 tok | $0.0421`. The
 * count is grouped by formatCount, not `toLocaleString`: the first call of that loads ICU's
 * number formatting (some 10-25 ms), and the first line is drawn as the first answers arrive.
 */
export function formatProgress(progress: BatchProgress, skipped = 0): string {
  const rate = progress.elapsedMs > 0 ? (progress.done / progress.elapsedMs) * 1000 : 0;
  const remaining = progress.total === undefined ? undefined : Math.max(0, progress.total - progress.done);
  const eta = remaining === undefined || rate === 0 ? '?' : formatDuration((remaining / rate) * 1000, 0);
  const total = progress.total === undefined ? '' : `/${progress.total}`;
  const tokens = progress.totalTokens === undefined ? '? tok' : `${formatCount(progress.totalTokens)} tok`;
  return `${progress.done}${total} done, ${progress.failed} failed${skipped > 0 ? `, ${skipped} skipped` : ''} | ${rate.toFixed(1)}/s | ETA ${eta} | ${tokens} | $${progress.costUsd.toFixed(4)}`;
}

export function createProgressView(options: {
  stream: NodeJS.WritableStream & { isTTY?: boolean; columns?: number };
  /** Plain mode: ms between lines. @default 5000 */
  intervalMs?: number;
  skipped?: number;
  now?: () => number;
}): ProgressView {
  const live = createLiveStatus(options);
  const BAR_WIDTH = 24;
  return {
    update(progress) {
      live.update((tty) => {
        const line = formatProgress(progress, options.skipped);
        if (!tty) return line;
        const filled =
          progress.total === undefined || progress.total === 0
            ? 0
            : Math.round((progress.done / progress.total) * BAR_WIDTH);
        return `[${'#'.repeat(filled)}${'.'.repeat(BAR_WIDTH - filled)}] ${line}`;
      });
    },
    finish: () => live.finish(),
  };
}
