/**
 * `tokenledger batch INPUT.jsonl --out OUT.jsonl [--agent A | --provider P --model M]
 * [--template FILE] [--concurrency N] [--rpm N] [--tpm N] [--max-retries N] [--db URL]
 * [--config FILE]`: runs one LLM call per input line under a concurrency cap, rate limits and
 * retries, every attempt recorded in the ledger.
 *
 * Input lines: `{ id?, prompt }`, `{ id?, messages }`, or any object whose fields fill
 * `{{field}}` in the template. Output lines (appended, in completion order):
 * `{ id, status, text, usage, cost, attempts, error? }`. An id is the line's `id`, else its line
 * number. Re-running skips ids already in OUT. A malformed line is reported on stderr with its
 * line number and written to OUT as an error, never dropped. Ends with the usage summary on
 * stdout. Exit status: 0 when every call succeeded; 2 when some calls failed or lines were
 * malformed (each is in OUT as an error line), so a script notices; 1 on bad input or config
 * (before any request); 130 when interrupted.
 *
 * @module
 */
import { createWriteStream, existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import type { Command } from 'commander';
import { reportFailure } from '../command-failure.js';
import { formatCount, formatDuration } from '../../analytics/index.js';
import { createClient, type BatchItemResult, type GenerateRequest } from '../../client/index.js';
import { loadConfig, resolveModelRef } from '../../config/index.js';
import { ConfigError, ValidationError } from '../../errors/index.js';
import { createRecordingLedger } from '../../ledger/index.js';
import { DEFAULT_DB, type Store, storeKindOf, storeWhenOpen } from '../../store/index.js';
import { parseInputLine } from '../batch/input.js';
import { countLines, lines } from '../batch/input-lines.js';
import { createProgressView } from '../batch/progress.js';
import { afterRequestsSent, warmUpRecording } from '../batch/warm-up.js';

interface BatchCommandOptions {
  out?: string;
  agent?: string;
  provider?: string;
  model?: string;
  template?: string;
  system?: string;
  maxTokens?: string;
  temperature?: string;
  json?: boolean;
  concurrency: string;
  rpm?: string;
  tpm?: string;
  maxRetries?: string;
  timeoutMs?: string;
  run?: string;
  db?: string;
  config?: string;
}

/**
 * How long a batch's records wait to share one store insert. Answers arrive a few at a time
 * (each turn of the event loop held ~13 on average at 2,000 items and concurrency 100), and
 * each small SQLite transaction with its deferred rollups cost ~0.2 ms of the main thread per
 * event; in 100 ms windows the inserts hold some 75 events (50 ms windows cost ~0.2 s more CPU
 * over 2,000 items, measured whole-process). An item's call slot frees once its
 * answer is in (client.batch), so the wait delays only its OUT line, which is written once its
 * event is stored, as before: an item in OUT always has its event in the ledger.
 */
const COMMIT_WINDOW_MS = 100;

/**
 * A window also ends once no answer was recorded for this long. At a wave's worth of calls in
 * flight, answers come in waves one latency apart: a window that opened with one wave's first
 * answer closed at the next wave's first answers (the latency, ~100 ms, later), and its insert
 * (3-9 ms at 100 events) held up the front of that wave, which delayed every call after it.
 * Closed by the pause after a wave instead, it runs while the batch waits. 10 ms: the pause
 * between waves is tens of ms, while answers spread over the whole latency leave gaps of a few
 * ms, and 3 ms made 40-60 inserts of 2,000 events instead of ~21: each rewrites the indexes'
 * pages, and the WAL that close() checkpoints grew from 7.3 to 12-15 MB (close 13-19 -> 20-26 ms).
 */
const COMMIT_QUIET_MS = 10;

function positiveInt(name: string, text: string | undefined, allowZero = false): number | undefined {
  if (text === undefined) return undefined;
  const value = Number(text);
  if (!Number.isInteger(value) || value < (allowZero ? 0 : 1)) {
    throw new ValidationError(
      `--${name} must be ${allowZero ? 'a non-negative' : 'a positive'} integer, got "${text}"`,
      { field: name },
    );
  }
  return value;
}

/** Ids already answered in OUT (any status), for resuming. */
async function doneIds(out: string): Promise<Set<string>> {
  const ids = new Set<string>();
  if (!existsSync(out)) return ids;
  for await (const { text } of lines(out)) {
    try {
      const id = (JSON.parse(text) as { id?: unknown }).id;
      if (typeof id === 'string') ids.add(id);
    } catch {
      // A torn last line from an interrupted run: that item runs again.
    }
  }
  return ids;
}

/** openStore, its module loaded on first use (see where the batch opens its store). */
async function openStoreLater(url: string): Promise<Store> {
  const { openStore } = await import('../../store/index.js');
  return openStore(url);
}

export async function runBatchCommand(input: string, options: BatchCommandOptions): Promise<number> {
  if (options.out === undefined) throw new ValidationError('--out OUT.jsonl is required', { field: 'out' });
  if (options.agent === undefined && options.model === undefined)
    throw new ValidationError('name --agent A, or --model M (with --provider P or as provider/model)', {
      field: 'model',
    });
  if (!existsSync(input)) throw new ValidationError(`cannot read ${input}: no such file`, { field: 'input' });
  const concurrency = positiveInt('concurrency', options.concurrency) ?? 8;
  const rpm = positiveInt('rpm', options.rpm);
  const tpm = positiveInt('tpm', options.tpm);
  const maxRetries = positiveInt('max-retries', options.maxRetries, true);
  const maxTokens = positiveInt('max-tokens', options.maxTokens);
  const timeoutMs = positiveInt('timeout-ms', options.timeoutMs);
  const temperature = options.temperature === undefined ? undefined : Number(options.temperature);
  if (temperature !== undefined && !(temperature >= 0 && temperature <= 2))
    throw new ValidationError(`--temperature must be between 0 and 2, got "${options.temperature}"`);
  const template =
    options.template === undefined
      ? undefined
      : await readFile(options.template, 'utf8').catch(() => {
          throw new ValidationError(`cannot read template ${options.template}`, { field: 'template' });
        });

  const config = await loadConfig(options.config === undefined ? {} : { path: options.config });
  // Resolve the target before anything is sent: unknown agent/model/provider or a missing key stops here.
  let target: { provider: string; model: string };
  if (options.model !== undefined)
    target = resolveModelRef({ provider: options.provider, model: options.model }, config.providers, '--model');
  else {
    const agent = config.agents[options.agent ?? ''];
    if (agent === undefined)
      throw new ConfigError(
        `unknown agent '${options.agent}' (configured agents: ${Object.keys(config.agents).join(', ') || 'none'})`,
        { field: 'agent' },
      );
    target = agent;
  }
  if (rpm !== undefined || tpm !== undefined) {
    config.rateLimits = [
      ...config.rateLimits,
      {
        provider: target.provider,
        model: target.model,
        ...(rpm === undefined ? {} : { rpm }),
        ...(tpm === undefined ? {} : { tpm }),
      },
    ];
  }
  if (maxRetries !== undefined) config.retry = { ...config.retry, maxAttempts: maxRetries + 1 };

  const url = options.db ?? config.store ?? DEFAULT_DB;
  const kind = storeKindOf(url);
  // The store opens once the first calls are on the wire, while they wait for their answers (the
  // SQLite binding and the migrations took some 100 ms before the first request could leave),
  // and its code loads then too (the stores' modules took ~10 ms to load and compile).
  // A store that fails to open stops the batch as Ctrl-C would, and says why.
  let startOpening = (): void => undefined;
  const opening = new Promise<void>((resolve) => {
    startOpening = resolve;
  }).then(() => openStoreLater(url));
  const store = kind === undefined ? await openStoreLater(url) : storeWhenOpen(kind, opening);
  const controller = new AbortController();
  let openFailure: unknown;
  opening.catch((error: unknown) => {
    openFailure = error;
    controller.abort();
  });
  const ledger = createRecordingLedger({
    store,
    prices: config.prices,
    commitWindowMs: COMMIT_WINDOW_MS,
    commitQuietMs: COMMIT_QUIET_MS,
  });
  const client = createClient({ ledger, config, ...(timeoutMs === undefined ? {} : { timeoutMs }) });
  try {
    client.check({
      ...(options.agent === undefined ? {} : { agent: options.agent }),
      provider: target.provider,
      model: target.model,
    });
    const skip = await doneIds(options.out);
    // Nothing to skip (a first run): every line counts, no need to parse it for its id. They are
    // counted once the first calls are on the wire (reading the file took ~4 ms before the
    // first call could leave); until then the progress shows no total.
    let total: number | undefined;
    let counting = skip.size > 0;
    const countOnce = (): void => {
      if (counting) return;
      counting = true;
      countLines(input).then(
        (count) => {
          total = count;
        },
        () => undefined, // the lines themselves are read again for the calls, which say why they fail
      );
    };
    if (skip.size > 0) {
      let left = 0;
      for await (const { text, lineNumber } of lines(input)) {
        const id = parseInputLine(text, lineNumber, undefined);
        left += id.ok && skip.has(id.call.id) ? 0 : !id.ok && skip.has(id.id) ? 0 : 1;
      }
      total = left;
    }
    const out = createWriteStream(options.out, { flags: 'a' });
    // The lines of one turn of the event loop go to OUT in one write: results settle in bursts
    // (a group commit's worth at once), and a stream write per line cost ~35 µs of the main thread.
    let pending = '';
    const writePending = (): void => {
      if (pending === '') return;
      out.write(pending);
      pending = '';
    };
    const write = (line: object): void => {
      if (pending === '') setImmediate(writePending);
      pending += `${JSON.stringify(line)}\n`;
    };
    const onSigint = (): void => controller.abort();
    process.once('SIGINT', onSigint);
    const progress = createProgressView({ stream: process.stderr, skipped: skip.size });
    const ids = new Map<number, string>();
    let malformed = 0;
    const run = options.run ?? `batch-${new Date().toISOString()}`;
    const base: Omit<GenerateRequest, 'prompt'> = {
      provider: target.provider,
      model: target.model,
      run,
      ...(options.agent === undefined ? {} : { agent: options.agent }),
      ...(options.system === undefined ? {} : { system: options.system }),
      ...(maxTokens === undefined ? {} : { maxTokens }),
      ...(temperature === undefined ? {} : { temperature }),
      ...(options.json === true ? { json: true } : {}),
    };
    async function* requests(): AsyncGenerator<GenerateRequest> {
      let index = 0;
      for await (const { text, lineNumber } of lines(input)) {
        const parsed = parseInputLine(text, lineNumber, template);
        if (!parsed.ok) {
          if (skip.has(parsed.id)) continue;
          malformed++;
          process.stderr.write(`${parsed.reason}\n`);
          write({
            id: parsed.id,
            status: 'error',
            text: null,
            usage: null,
            cost: null,
            attempts: 0,
            error: { type: 'InvalidInput', message: parsed.reason },
          });
          continue;
        }
        if (skip.has(parsed.call.id)) continue;
        ids.set(index++, parsed.call.id);
        if (index === concurrency) {
          afterRequestsSent(startOpening);
          afterRequestsSent(countOnce);
          warmUpRecording(ledger, target);
        }
        const { id: _id, ...call } = parsed.call;
        yield { ...base, ...call, tags: { item: parsed.call.id } };
      }
      startOpening(); // fewer lines than --concurrency
      countOnce();
      // Every call is sent: while the last answers come, the log the close would copy is copied
      // (on 2,000 events ~13 ms, which delays only some answers' records, never a call).
      afterRequestsSent(() => void store.checkpoint?.().catch(() => undefined));
    }
    const result = await client.batch(requests(), {
      concurrency,
      collect: false,
      signal: controller.signal,
      onResult: (item: BatchItemResult) => {
        const id = ids.get(item.index) ?? String(item.index);
        ids.delete(item.index);
        // A call cut by Ctrl-C has no answer: leave it out of OUT so the next run makes it.
        if (controller.signal.aborted && item.error?.type === 'AbortError') return;
        write({
          id,
          status: item.status,
          text: item.text ?? null,
          usage: item.usage ?? null,
          cost: item.cost,
          attempts: item.attempts,
          ...(item.error === undefined ? {} : { error: item.error }),
        });
      },
      onProgress: (state) =>
        progress.update({ ...state, total, failed: state.failed + malformed, done: state.done + malformed }),
    });
    progress.finish();
    process.removeListener('SIGINT', onSigint);
    writePending();
    if (openFailure !== undefined) throw openFailure;
    await new Promise<void>((resolve, reject) =>
      out.end((error?: Error | null) => (error ? reject(error) : resolve())),
    );
    const s = result.summary;
    const tokens =
      s.totalTokens === undefined
        ? 'unknown'
        : `${formatCount(s.totalTokens)} (in ${formatCount(s.inputTokens ?? 0)}, out ${formatCount(s.outputTokens ?? 0)})`;
    const closing = [
      `batch ${run}: ${s.total} calls, ${s.successful} ok, ${s.failed} failed (${s.successRate.toFixed(2)}% success), ${malformed} malformed lines, ${skip.size} skipped (already in ${options.out})`,
      `attempts ${s.attempts} | tokens ${tokens} | cost $${s.costUsd.toFixed(6)}${s.unpricedCalls > 0 ? ` (+${s.unpricedCalls} calls without a known price)` : ''} | ${formatDuration(s.durationMs, 1)}, ${s.itemsPerSecond} calls/s`,
      ...(result.cancelled ? ['interrupted: unfinished calls are not in OUT; re-run the same command to resume'] : []),
    ];
    process.stdout.write(`${closing.join('\n')}\n`);
    if (result.cancelled) return 130;
    return s.failed > 0 || malformed > 0 ? 2 : 0;
  } finally {
    startOpening(); // a batch that stopped before its first wave still closes an open store
    await client.close();
    await ledger.close();
    await store.close();
  }
}

export function registerBatchCommand(program: Command): void {
  program
    .command('batch')
    .description(
      'Run one LLM call per JSONL input line, concurrently, under rate limits, with retries; every attempt metered.',
    )
    .argument('<input>', 'JSONL input: { id?, prompt } | { id?, messages } | any object for --template')
    .option('-o, --out <file>', 'JSONL output (appended; ids already there are skipped)')
    .option('--agent <name>', "agent from the config's agents: map")
    .option('--provider <id>', 'provider id (openai, anthropic, gemini, openrouter, ...)')
    .option('--model <id>', 'model id, or provider/model, or an OpenRouter vendor/model id')
    .option('--template <file>', 'prompt template; {{field}} is filled from each input line')
    .option('--system <text>', 'system prompt')
    .option('--max-tokens <n>', 'cap on output tokens per call')
    .option('--temperature <t>', 'sampling temperature')
    .option('--json', 'ask for a JSON object answer')
    .option('--concurrency <n>', 'calls in flight at once', '8')
    .option('--rpm <n>', 'requests per minute for this provider/model')
    .option('--tpm <n>', 'tokens per minute for this provider/model')
    .option('--max-retries <n>', 'retries per call after the first attempt (default: config retry, else 2)')
    .option('--timeout-ms <n>', 'per-attempt timeout in ms (default 120000)')
    .option('--run <name>', 'run name recorded on every event (default batch-<time>)')
    .option('--db <url>', 'store URL (default: config store, TOKENLEDGER_DB, sqlite:./tokenledger.db)')
    .option(
      '-c, --config <file>',
      'config file (default: TOKENLEDGER_CONFIG, ./tokenledger.config.{json,yaml,yml}, env)',
    )
    .action(async (input: string, options: BatchCommandOptions) => {
      try {
        process.exitCode = await runBatchCommand(input, options);
      } catch (error) {
        reportFailure('batch', error);
      }
    });
}
