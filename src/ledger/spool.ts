/**
 * The local spool: an append-only journal of events between "the call was answered" and "the
 * event is stored". `append()` is one synchronous `write(2)` of NDJSON lines to the open
 * segment file (no fsync: the bytes are in the OS page cache before the caller's last byte
 * goes out, so they survive SIGKILL of this process, not a power loss). The spool writer
 * (spool-writer.ts) drains sealed segments into the store and deletes each once every event
 * in it is stored. The events this process appends are also kept in memory (up to 16 MiB of
 * them), so that draining a segment it wrote does not read the file back and parse every line
 * again; the file stays the record, and what is adopted or beyond the budget is read from it.
 *
 * Crash safety comes from three facts: a segment is only ever appended to by the process that
 * created it; a process never reopens a segment after a restart (it adopts the old ones as
 * sealed and starts a new one); and events keep their ids, so storing one twice is a no-op.
 * A torn last line (killed mid-write) fails to parse and is skipped, counted.
 *
 * Several processes may share one spool directory (two `serve` on one SQLite file): segment
 * names carry the writer's pid and start time, and a process adopts only the segments of
 * processes that are no longer alive.
 *
 * The spool is bounded: an append that would take it past `maxBytes`, or that the disk refuses
 * (ENOSPC...), is refused and counted; the state change is logged once.
 *
 * @module
 */
import {
  closeSync,
  mkdirSync,
  openSync,
  readdirSync,
  readFileSync,
  renameSync,
  statSync,
  unlinkSync,
  writeSync,
} from 'node:fs';
import { join } from 'node:path';
import type { Logger, UsageEvent } from '../types/index.js';

export interface SpoolOptions {
  /** Directory of the segment files; created when missing. */
  path: string;
  /**
   * Most bytes on disk (all segments); appends beyond it are refused and counted.
   * @default 536870912 (512 MiB)
   */
  maxBytes?: number;
  /**
   * An open segment is sealed (and a new one started) once it holds this many bytes.
   * @default 4194304 (4 MiB)
   */
  segmentBytes?: number;
  /**
   * How long a durable write (`failOpen: false`: ingest) waits for the store before it settles
   * as spooled (on disk; the drain stores it), so a slow or silent store never holds a caller.
   * @default 2000
   */
  ackWaitMs?: number;
}

/** `ok`: accepting; `full`: at `maxBytes`; `failing`: the disk refused a write. */
export type SpoolState = 'ok' | 'full' | 'failing';

export interface SpoolStats {
  path: string;
  bytes: number;
  maxBytes: number;
  /** Events written and not yet stored. */
  pending: number;
  /** Events refused (spool full or the disk failing); never stored. */
  refused: number;
  /** Lines skipped when reading a segment: torn by a kill mid-write, or not an event. */
  skippedLines: number;
  /** Events found at start in segments of processes that had stopped (replayed into the store). */
  adopted: number;
  state: SpoolState;
  /** Why appends are refused, when they are. */
  reason?: string;
}

export const DEFAULT_SPOOL_MAX_BYTES = 512 * 1024 * 1024;
const DEFAULT_SEGMENT_BYTES = 4 * 1024 * 1024;
/** Most spooled bytes whose events are also kept in memory for the drain (a backlog beyond it is read from disk). */
const KEPT_MAX_BYTES = 16 * 1024 * 1024;
const SEGMENT_SUFFIX = '.ndjson';
/** `<pid>-<start, base 36>-<sequence>.ndjson` */
const SEGMENT_NAME = /^(\d+)-([0-9a-z]+)-(\d+)\.ndjson$/;

interface Segment {
  file: string;
  bytes: number;
  /** Lines appended (this process) or found (adopted). */
  events: number;
  /**
   * The events appended, as they were written, while the in-memory budget allows: the drain
   * then stores them without reading the file back and parsing it (what it reads would be the
   * same events). Absent for adopted segments and past the budget: the file is read.
   */
  kept?: UsageEvent[];
}

/** A run of unstored events from one sealed segment; `ack()` once they are stored. */
export interface SpoolBatch {
  events: UsageEvent[];
  ack(): void;
}

interface OpenSegment extends Segment {
  fd: number;
}

interface ReadSegment {
  segment: Segment;
  events: UsageEvent[];
  /** How many of `events` are stored. */
  done: number;
}

export class Spool {
  readonly path: string;
  readonly #maxBytes: number;
  readonly #segmentBytes: number;
  readonly #logger: Logger;
  readonly #owner: string;
  #sequence = 0;
  #open: OpenSegment | undefined;
  /** Sealed segments, oldest first. */
  #sealed: Segment[] = [];
  /** The oldest sealed segment, read, while it is being drained. */
  #reading: ReadSegment | undefined;
  #bytes = 0;
  /** Bytes of the segments whose events are kept in memory. */
  #keptBytes = 0;
  #pending = 0;
  #refused = 0;
  #skippedLines = 0;
  #adopted = 0;
  #state: SpoolState = 'ok';
  #reason: string | undefined;
  #refusedInState = 0;

  private constructor(options: SpoolOptions, logger: Logger) {
    this.path = options.path;
    this.#maxBytes = options.maxBytes ?? DEFAULT_SPOOL_MAX_BYTES;
    this.#segmentBytes = options.segmentBytes ?? DEFAULT_SEGMENT_BYTES;
    this.#logger = logger;
    this.#owner = `${process.pid}-${Date.now().toString(36)}`;
  }

  /** Opens (creating) the directory and adopts the segments that stopped processes left. */
  static open(options: SpoolOptions, logger: Logger): Spool {
    const spool = new Spool(options, logger);
    mkdirSync(options.path, { recursive: true });
    spool.#adoptOrphans();
    return spool;
  }

  stats(): SpoolStats {
    const stats: SpoolStats = {
      path: this.path,
      bytes: this.#bytes,
      maxBytes: this.#maxBytes,
      pending: this.#pending,
      refused: this.#refused,
      skippedLines: this.#skippedLines,
      adopted: this.#adopted,
      state: this.#state,
    };
    if (this.#reason !== undefined) stats.reason = this.#reason;
    return stats;
  }

  /**
   * Appends the events (one line each) with one synchronous write. Returns false, counted,
   * when the spool is full or the disk refuses the write: the events are not kept.
   */
  append(events: readonly UsageEvent[]): boolean {
    if (events.length === 0) return true;
    let text = '';
    for (const event of events) text += `${JSON.stringify(event)}\n`;
    const bytes = Buffer.from(text, 'utf8');
    if (this.#bytes + bytes.length > this.#maxBytes) {
      this.#refuse(events.length, 'full', `spool full: ${this.#bytes} of ${this.#maxBytes} bytes in ${this.path}`);
      return false;
    }
    try {
      const open = this.#openSegment();
      writeFully(open.fd, bytes);
      open.bytes += bytes.length;
      open.events += events.length;
      this.#keep(open, events, bytes.length);
    } catch (error) {
      // A write cut short leaves a torn line at most; the next segment starts clean.
      this.#sealOpen();
      this.#refuse(events.length, 'failing', `spool write failed in ${this.path}: ${describeFsError(error)}`);
      return false;
    }
    this.#bytes += bytes.length;
    this.#pending += events.length;
    this.#accepting();
    if (this.#open !== undefined && this.#open.bytes >= this.#segmentBytes) this.#sealOpen();
    return true;
  }

  /** Seals the open segment, so that everything appended so far can be drained. */
  seal(): void {
    this.#sealOpen();
  }

  /**
   * The next at most `max` unstored events of the oldest sealed segment, or `undefined` when
   * no sealed segment is left. Call `ack()` once they are stored; until then the same events
   * come again.
   */
  next(max: number): SpoolBatch | undefined {
    const reading = this.#readOldest();
    if (reading === undefined) return undefined;
    const events = reading.events.slice(reading.done, reading.done + max);
    return {
      events,
      ack: () => {
        if (this.#reading !== reading) return;
        reading.done += events.length;
        this.#pending -= events.length;
        if (reading.done >= reading.events.length) this.#dropSegment(reading);
      },
    };
  }

  /** Closes the open segment's file; what is on disk stays for the next start. */
  close(): void {
    this.#sealOpen();
  }

  /** Keeps the appended events on the open segment, within the budget; past it, the segment keeps none. */
  #keep(open: OpenSegment, events: readonly UsageEvent[], bytes: number): void {
    if (open.kept === undefined) return;
    if (this.#keptBytes + bytes > KEPT_MAX_BYTES) {
      this.#keptBytes -= open.bytes - bytes;
      delete open.kept;
      return;
    }
    this.#keptBytes += bytes;
    for (const event of events) open.kept.push(event);
  }

  #readOldest(): ReadSegment | undefined {
    while (this.#reading === undefined || this.#reading.done >= this.#reading.events.length) {
      if (this.#reading !== undefined) this.#dropSegment(this.#reading);
      const segment = this.#sealed[0];
      if (segment === undefined) return undefined;
      const events = segment.kept ?? this.#parse(segment);
      if (segment.kept !== undefined) {
        this.#keptBytes -= segment.bytes;
        delete segment.kept;
      }
      // Lines that did not parse were counted as pending when appended or adopted.
      this.#pending -= segment.events - events.length;
      segment.events = events.length;
      this.#reading = { segment, events, done: 0 };
    }
    return this.#reading;
  }

  #dropSegment(reading: ReadSegment): void {
    this.#sealed.shift();
    this.#reading = undefined;
    try {
      unlinkSync(reading.segment.file);
    } catch (error) {
      // Already gone (another process adopted it after a mistaken liveness check): nothing to keep.
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
    }
    this.#bytes -= reading.segment.bytes;
    this.#accepting();
  }

  #parse(segment: Segment): UsageEvent[] {
    let text: string;
    try {
      text = readFileSync(segment.file, 'utf8');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
      throw error;
    }
    const events: UsageEvent[] = [];
    let skipped = 0;
    for (const line of text.split('\n')) {
      if (line === '') continue;
      const event = parseLine(line);
      if (event === undefined) skipped += 1;
      else events.push(event);
    }
    if (skipped > 0) {
      this.#skippedLines += skipped;
      this.#logger.warn('tokenledger: spool lines skipped (torn by a kill mid-write, or not an event)', {
        file: segment.file,
        skipped,
      });
    }
    return events;
  }

  #openSegment(): OpenSegment {
    if (this.#open !== undefined) return this.#open;
    const file = join(this.path, `${this.#owner}-${String(this.#sequence++).padStart(8, '0')}${SEGMENT_SUFFIX}`);
    const fd = openSync(file, 'wx');
    this.#open = { file, fd, bytes: 0, events: 0, kept: [] };
    return this.#open;
  }

  #sealOpen(): void {
    const open = this.#open;
    if (open === undefined) return;
    this.#open = undefined;
    try {
      closeSync(open.fd);
    } catch {
      // The bytes written are in the file whether or not close succeeds.
    }
    if (open.events === 0 && open.bytes === 0) {
      try {
        unlinkSync(open.file);
      } catch {
        // An empty file left behind is read as no events.
      }
      return;
    }
    const sealed: Segment = { file: open.file, bytes: open.bytes, events: open.events };
    if (open.kept !== undefined) sealed.kept = open.kept;
    this.#sealed.push(sealed);
  }

  #refuse(count: number, state: SpoolState, reason: string): void {
    this.#refused += count;
    if (this.#state !== state) {
      this.#state = state;
      this.#reason = reason;
      this.#refusedInState = 0;
      this.#logger.error('tokenledger: spool refusing events; calls are served but not recorded', {
        reason,
        refusedSoFar: this.#refused,
      });
    }
    this.#refusedInState += count;
  }

  #accepting(): void {
    if (this.#state === 'ok') return;
    if (this.#state === 'full' && this.#bytes >= this.#maxBytes) return;
    this.#logger.info('tokenledger: spool accepting events again', {
      was: this.#reason,
      refusedMeanwhile: this.#refusedInState,
    });
    this.#state = 'ok';
    this.#reason = undefined;
  }

  /** Takes over, as sealed segments of this process, the segments of processes that stopped. */
  #adoptOrphans(): void {
    const names = readdirSync(this.path)
      .map((name) => ({ name, match: SEGMENT_NAME.exec(name) }))
      .filter((entry): entry is { name: string; match: RegExpExecArray } => entry.match !== null)
      .sort((a, b) => compareSegments(a.match, b.match));
    for (const { name, match } of names) {
      if (ownerAlive(Number(match[1]), parseInt(match[2]!, 36))) continue;
      const target = join(this.path, `${this.#owner}-${String(this.#sequence++).padStart(8, '0')}${SEGMENT_SUFFIX}`);
      try {
        renameSync(join(this.path, name), target);
      } catch (error) {
        // Another process starting at the same time adopted it first.
        if ((error as NodeJS.ErrnoException).code === 'ENOENT') continue;
        throw error;
      }
      const bytes = statSync(target).size;
      // Whole lines; reading the segment to drain it settles how many are events.
      const segment: Segment = { file: target, bytes, events: countLines(readFileSync(target)) };
      this.#sealed.push(segment);
      this.#bytes += bytes;
      this.#pending += segment.events;
      this.#adopted += segment.events;
    }
    if (this.#adopted > 0) {
      this.#logger.info('tokenledger: spool replaying events an earlier process left', {
        path: this.path,
        events: this.#adopted,
      });
    }
  }
}

function compareSegments(a: RegExpExecArray, b: RegExpExecArray): number {
  const start = parseInt(a[2]!, 36) - parseInt(b[2]!, 36);
  if (start !== 0) return start;
  if (a[1] !== b[1]) return Number(a[1]) - Number(b[1]);
  return Number(a[3]) - Number(b[3]);
}

/**
 * Whether the process that named a segment (its pid, and the time its spool opened) still runs.
 * This process's pid means an earlier incarnation of it. Pids are reused (Linux's default
 * pid_max is 32,768), so a live process with that pid that started after the segment's owner
 * opened its spool is another program, and the segment is adopted.
 */
function ownerAlive(pid: number, ownerOpenedMs: number): boolean {
  if (pid === process.pid) return false;
  try {
    process.kill(pid, 0);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EPERM') return false;
  }
  const started = processStartMs(pid);
  // Boot time is known to the second only.
  return started === undefined || started <= ownerOpenedMs + 1000;
}

/** When a process started (ms since the epoch) from Linux's /proc, or undefined elsewhere. */
function processStartMs(pid: number): number | undefined {
  try {
    const bootSeconds = /^btime (\d+)$/m.exec(readFileSync('/proc/stat', 'latin1'))?.[1];
    const stat = readFileSync(`/proc/${pid}/stat`, 'latin1');
    // Fields after the command name (which may hold spaces and parentheses); starttime is field
    // 22, in clock ticks since boot, which /proc gives at 100 per second.
    const ticks = stat.slice(stat.lastIndexOf(')') + 2).split(' ')[19];
    if (bootSeconds === undefined || ticks === undefined) return undefined;
    return Number(bootSeconds) * 1000 + Number(ticks) * 10;
  } catch {
    return undefined;
  }
}

function countLines(bytes: Buffer): number {
  let lines = 0;
  for (let at = bytes.indexOf(10); at !== -1; at = bytes.indexOf(10, at + 1)) lines += 1;
  return lines;
}

function writeFully(fd: number, bytes: Buffer): void {
  let offset = 0;
  while (offset < bytes.length) offset += writeSync(fd, bytes, offset, bytes.length - offset);
}

function describeFsError(error: unknown): string {
  const code = (error as NodeJS.ErrnoException | null)?.code;
  return code ?? (error instanceof Error ? error.message : String(error));
}

/** One spooled event, or `undefined` for a line that is not one (torn, foreign). */
function parseLine(line: string): UsageEvent | undefined {
  let value: unknown;
  try {
    value = JSON.parse(line);
  } catch {
    return undefined;
  }
  if (typeof value !== 'object' || value === null) return undefined;
  const record = value as Record<string, unknown>;
  if (typeof record['id'] !== 'string' || typeof record['time'] !== 'string' || typeof record['provider'] !== 'string')
    return undefined;
  // Written by JSON.stringify of a UsageEvent by this code: the shape is ours.
  return value as UsageEvent;
}
