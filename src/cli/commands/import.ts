/**
 * `tokenledger import FILE|- [--db URL] [--config PATH] [--batch N]`: records NDJSON events,
 * one record input per line with the field names of DESIGN.md's UsageEvent (`provider`,
 * `model`, `agent`, `run`, `tags`, `time`, `usage: { inputTokens, ... }`, `durationMs`,
 * `timeToFirstTokenMs`, `status`, `error`, `attempts`, `providerCost`, `estimated`, `id`, or a
 * raw provider `response` to normalize). Fields the ledger computes (`cost`,
 * `costUnavailableReason`) are recomputed with the current prices (and the config's
 * overrides); unknown fields are ignored; a line with an `id` already stored is not doubled:
 * it counts as a duplicate, as does a line repeating an `id` of an earlier line.
 *
 * Progress goes to stderr after each batch: one line redrawn in place on a terminal, a plain
 * line every `--progress-every` seconds (5) otherwise.
 *
 * Ends by printing `recorded N, duplicates D, rejected M` (N new events stored, D lines whose
 * event the ledger had already), `, dead-lettered K` when the store refused K events for good,
 * and one `line L: reason` per rejected or dead-lettered line. Exit status: 0 when every line
 * was recorded or a duplicate; 2 when some lines were rejected or dead-lettered (the others are
 * recorded); 1 when the input cannot be read or the store fails.
 *
 * @module
 */
import { createReadStream } from 'node:fs';
import { createInterface } from 'node:readline';
import type { Readable } from 'node:stream';
import type { Command } from 'commander';
import { reportFailure } from '../command-failure.js';
import { formatCount } from '../../analytics/index.js';
import { ValidationError } from '../../errors/index.js';
import { createRecordingLedger, type RecordingLedger } from '../../ledger/index.js';
import type { RecordInput } from '../../types/index.js';
import { createLiveStatus } from '../live-status.js';
import { openReportStore } from './report.js';

interface ImportOptions {
  db?: string;
  config?: string;
  batch: string;
  progressEvery: string;
}

interface Rejection {
  line: number;
  reason: string;
}

export interface ImportResult {
  /** New events stored. */
  recorded: number;
  /** Lines whose event id the ledger had already, or that repeated an earlier line's id. */
  duplicates: number;
  /** Lines refused: by validation, or by the store for good (dead-lettered, `reason` says so). */
  rejected: Rejection[];
  /** Of the rejected lines, how many the store dead-lettered. */
  deadLettered: number;
}

/** Where an import stands, after each stored batch. */
export interface ImportProgress {
  lines: number;
  recorded: number;
  duplicates: number;
  rejected: number;
  elapsedMs: number;
}

/** `120,000 lines read, 119,980 recorded, 10 duplicates, 10 rejected | 41,250 lines/s`. */
export function formatImportProgress(progress: ImportProgress): string {
  const rate = progress.elapsedMs > 0 ? Math.round((progress.lines / progress.elapsedMs) * 1000) : 0;
  return `${formatCount(progress.lines)} lines read, ${formatCount(progress.recorded)} recorded, ${formatCount(progress.duplicates)} duplicates, ${formatCount(progress.rejected)} rejected | ${formatCount(rate)} lines/s`;
}

/** `recorded 20, duplicates 3, rejected 1` (`, dead-lettered 1` when the store refused some). */
export function formatImportSummary(result: ImportResult): string {
  const dead = result.deadLettered > 0 ? `, dead-lettered ${result.deadLettered}` : '';
  return `recorded ${result.recorded}, duplicates ${result.duplicates}, rejected ${result.rejected.length}${dead}`;
}

/** Reads NDJSON from `input` and records it through `ledger` in batches; never throws for a bad line. */
export async function importNdjson(
  ledger: RecordingLedger,
  input: Readable,
  batchSize = 1000,
  onProgress: (progress: ImportProgress) => void = () => {},
): Promise<ImportResult> {
  const started = Date.now();
  let lineNumber = 0;
  const result: ImportResult = { recorded: 0, duplicates: 0, rejected: [], deadLettered: 0 };
  let batch: RecordInput[] = [];
  let lines: number[] = [];
  const flush = async () => {
    if (batch.length > 0) {
      const { events, rejected, duplicates, deadLettered } = await ledger.recordMany(batch, { failOpen: false });
      result.duplicates += duplicates ?? 0;
      result.recorded += events.length - (duplicates ?? 0) - deadLettered.length;
      for (const { index, error } of rejected) result.rejected.push({ line: lines[index] ?? 0, reason: error.message });
      if (deadLettered.length > 0) {
        // Events keep their input's order with the rejected inputs left out: map back to lines.
        const refused = new Set(rejected.map((item) => item.index));
        const lineOf = new Map<string, number>();
        let next = 0;
        for (const [index, line] of lines.entries()) {
          if (refused.has(index)) continue;
          const event = events[next++];
          if (event !== undefined) lineOf.set(event.id, line);
        }
        result.deadLettered += deadLettered.length;
        for (const letter of deadLettered)
          result.rejected.push({
            line: lineOf.get(letter.id) ?? 0,
            reason: `dead-lettered by the store: ${letter.reason}`,
          });
      }
    }
    batch = [];
    lines = [];
    onProgress({
      lines: lineNumber,
      recorded: result.recorded,
      duplicates: result.duplicates,
      rejected: result.rejected.length,
      elapsedMs: Date.now() - started,
    });
  };
  for await (const text of createInterface({ input, crlfDelay: Infinity })) {
    lineNumber += 1;
    if (text.trim() === '') continue;
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch (error) {
      result.rejected.push({
        line: lineNumber,
        reason: `invalid JSON: ${error instanceof Error ? error.message : String(error)}`,
      });
      continue;
    }
    if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
      result.rejected.push({ line: lineNumber, reason: 'input: must be a JSON object' });
      continue;
    }
    batch.push(parsed as RecordInput);
    lines.push(lineNumber);
    if (batch.length >= batchSize) await flush();
  }
  await flush();
  result.rejected.sort((a, b) => a.line - b.line);
  return result;
}

async function runImport(file: string, options: ImportOptions): Promise<number> {
  const batchSize = Number(options.batch);
  if (!Number.isInteger(batchSize) || batchSize < 1)
    throw new ValidationError(`--batch must be a positive integer, got "${options.batch}"`, { field: 'batch' });
  const input: Readable = file === '-' ? process.stdin : createReadStream(file);
  // Surface a missing/unreadable file as one clear error before anything is opened.
  await new Promise<void>((resolve, reject) => {
    if (file === '-') return resolve();
    input.once('open', () => resolve());
    input.once('error', (error: NodeJS.ErrnoException) =>
      reject(new ValidationError(`cannot read ${file}: ${error.code ?? error.message}`, { field: 'file' })),
    );
  });
  const progressEvery = Number(options.progressEvery);
  if (!Number.isFinite(progressEvery) || progressEvery < 0)
    throw new ValidationError(`--progress-every must be a number of seconds, got "${options.progressEvery}"`, {
      field: 'progress-every',
    });
  const { store, prices } = await openReportStore(options, { readOnly: false });
  const ledger = createRecordingLedger({ store, prices });
  const status = createLiveStatus({ stream: process.stderr, intervalMs: progressEvery * 1000 });
  try {
    const result = await importNdjson(ledger, input, batchSize, (progress) =>
      status.update(() => formatImportProgress(progress)),
    );
    status.finish();
    const out = [formatImportSummary(result), ...result.rejected.map((r) => `line ${r.line}: ${r.reason}`)];
    process.stdout.write(`${out.join('\n')}\n`);
    return result.rejected.length === 0 ? 0 : 2;
  } finally {
    await ledger.close();
    await store.close();
  }
}

export function registerImportCommand(program: Command): void {
  program
    .command('import')
    .description('Record NDJSON usage events (one record per line) from FILE, or stdin with "-".')
    .argument('<file>', 'NDJSON file, or - for stdin')
    .option(
      '--db <url>',
      'store URL: sqlite:PATH, postgres://..., memory: (default: config store, TOKENLEDGER_DB, sqlite:./tokenledger.db)',
    )
    .option('-c, --config <path>', 'config file (its store is the default --db; its price overrides apply)')
    .option('--batch <n>', 'events per store write', '1000')
    .option(
      '--progress-every <seconds>',
      'off a terminal, a plain progress line this often (on a terminal the line is redrawn in place)',
      '5',
    )
    .action(async (file: string, options: ImportOptions) => {
      try {
        process.exitCode = await runImport(file, options);
      } catch (error) {
        reportFailure('import', error);
      }
    });
}
