/**
 * `tokenledger usage [FILE] [--provider P] [--url URL] [--model M] [--stream] [--raw] [--text]`:
 * the normalized usage of one saved provider response or stream. FILE (or stdin when absent or
 * `-`) is read as bytes and holds a JSON response body, or a raw stream as sent on the wire: SSE
 * text (`data:` lines, `event:` lines, comments), Ollama's newline-delimited JSON, or a binary
 * AWS event stream (Bedrock ConverseStream, `application/vnd.amazon.eventstream`), metered by
 * the same stream meter the library uses. Prints the result as JSON on
 * stdout, priced now (config price overrides first, then the catalog); exits 1 with one line
 * on stderr when the input cannot be read or holds no usage.
 *
 * @module
 */
import { readFile } from 'node:fs/promises';
import type { Command } from 'commander';
import { reportFailure } from '../command-failure.js';
import { loadConfig } from '../../config/index.js';
import { ValidationError } from '../../errors/index.js';
import { createPricer, serviceTierName, tierPricing } from '../../pricing/index.js';
import { isCostMismatch, usdToNanos } from '../../units/index.js';
import type { Cost, FormatHint, UsageResult } from '../../types/index.js';
import { meterStream, normalizeResponse } from '../../usage/index.js';

interface UsageOptions {
  provider?: string;
  url?: string;
  model?: string;
  stream?: boolean;
  raw?: boolean;
  text?: boolean;
  config?: string;
  at?: string;
}

/** What the command prints: the usage result with our cost beside any provider-reported one. */
interface PricedUsage extends Partial<UsageResult> {
  cost: Omit<Cost, 'totalNanos' | 'cacheSavings'> | null;
  costUnavailableReason?: string;
  /** The time the prices are those of: `--at`, else the body's own `created`, else now. */
  pricedAt: string;
  /** Ours and the provider's own cost, where they differ by more than 1%. */
  providerCostMismatch?: { ours: number; provider: number };
}

type Priced = Pick<PricedUsage, 'cost' | 'costUnavailableReason' | 'pricedAt' | 'providerCostMismatch'>;

/** The time to price at: `--at` (ISO or epoch ms) wins, then the body's `created`, then now. */
function pricingTime(result: UsageResult, at: string | undefined): Date {
  if (at !== undefined) {
    const ms = /^\d+$/.test(at) ? Number(at) : Date.parse(at);
    if (!Number.isFinite(ms))
      throw new ValidationError(`--at must be an ISO-8601 time or epoch milliseconds, got "${at}"`, { field: 'at' });
    return new Date(ms);
  }
  return result.createdAt === undefined ? new Date() : new Date(result.createdAt);
}

async function price(result: UsageResult, options: UsageOptions): Promise<Priced> {
  const time = pricingTime(result, options.at);
  const pricedAt = time.toISOString();
  const model = result.model ?? options.model;
  if (result.usage === undefined) return { cost: null, costUnavailableReason: 'usage unavailable', pricedAt };
  if (model === undefined)
    return { cost: null, costUnavailableReason: 'the input names no model; pass --model', pricedAt };
  const config = await loadConfig(options.config === undefined ? {} : { path: options.config });
  const tier = serviceTierName(result.serviceTier);
  const priced = createPricer({ overrides: config.prices }).price({
    provider: result.provider ?? options.provider,
    model,
    usage: result.usage,
    time,
    ...(tier === undefined ? {} : { tier }),
  });
  if (priced.cost === null) return { cost: null, costUnavailableReason: priced.reason, pricedAt };
  // Priced at the tier the answer names, flagged as an event would be.
  if (tier !== undefined) result.warnings.push(tierPricing(tier).warning);
  const { input, cacheRead, cacheWrite, output, total, currency } = priced.cost;
  const shown: Priced = { cost: { input, cacheRead, cacheWrite, output, total, currency }, pricedAt };
  const reported = result.providerCost;
  if (reported !== undefined && isCostMismatch(priced.cost.totalNanos, usdToNanos(reported)))
    shown.providerCostMismatch = { ours: total, provider: reported };
  return shown;
}

/** The input's bytes, never decoded here: a binary event stream must reach the meter as it was. */
async function readInput(file: string | undefined): Promise<Buffer> {
  if (file === undefined || file === '-') {
    const chunks: Buffer[] = [];
    for await (const chunk of process.stdin) chunks.push(Buffer.isBuffer(chunk) ? chunk : Buffer.from(String(chunk)));
    return Buffer.concat(chunks);
  }
  return readFile(file);
}

/**
 * A response is one JSON value; anything else (SSE, several NDJSON lines, binary frames) is a
 * stream. Text never starts with a NUL byte, an AWS event-stream frame does (its length's high byte).
 */
function looksLikeJson(bytes: Buffer): boolean {
  if (bytes.length === 0 || bytes[0] === 0) return false;
  try {
    JSON.parse(bytes.toString('utf8'));
    return true;
  } catch {
    return false;
  }
}

function asText(result: UsageResult): string {
  const usage = result.usage;
  const show = (value: number | undefined): string => (value === undefined ? 'unknown' : String(value));
  const lines = [
    `format ${result.format ?? 'unknown'}, provider ${result.provider ?? 'unknown'}, model ${result.model ?? 'unknown'}`,
  ];
  if (usage !== undefined) {
    lines.push(
      `input ${show(usage.inputTokens)} (cache read ${show(usage.cacheReadTokens)}, cache write ${show(usage.cacheWriteTokens)})`,
      `output ${show(usage.outputTokens)} (reasoning ${show(usage.reasoningTokens)})`,
      `total ${show(usage.totalTokens)}`,
    );
    for (const step of usage.iterations ?? [])
      lines.push(
        `  step ${step.type}${step.model === undefined ? '' : ` on ${step.model}`}: input ${show(step.usage.inputTokens)}, output ${show(step.usage.outputTokens)}`,
      );
  }
  if (result.providerCost !== undefined) lines.push(`provider-reported cost $${result.providerCost}`);
  if (result.usageUnavailableReason !== undefined) lines.push(`note: ${result.usageUnavailableReason}`);
  for (const warning of result.warnings) lines.push(`warning: ${warning}`);
  return lines.join('\n');
}

export function registerUsageCommand(program: Command): void {
  program
    .command('usage')
    .description('Normalize the token usage of a saved response (JSON) or raw stream (SSE, NDJSON, AWS event stream)')
    .argument('[file]', 'file holding the response or stream; stdin when absent or "-"')
    .option('--provider <id>', 'provider id hint (openai, anthropic, google, bedrock, xai, ...)')
    .option('--url <url>', 'the endpoint URL the body came from (its host and path name provider and format)')
    .option('--model <model>', 'requested model hint')
    .option('--stream', 'treat the input as a raw stream even if it parses as one JSON value')
    .option('--raw', 'include the provider raw usage object in the output')
    .option('--text', 'print a short human summary instead of JSON')
    .option('-c, --config <path>', 'config file whose price overrides win over the catalog')
    .option(
      '--at <time>',
      "price at this time (ISO-8601 or epoch ms) instead of the body's own created time (else now)",
    )
    .action(async (file: string | undefined, options: UsageOptions) => {
      let input: Buffer;
      try {
        input = await readInput(file);
      } catch (error) {
        const code = (error as NodeJS.ErrnoException).code;
        process.stderr.write(
          `tokenledger usage: cannot read ${file ?? 'stdin'}${code === undefined ? '' : ` (${code})`}\n`,
        );
        process.exitCode = 1;
        return;
      }
      const hint: FormatHint = {};
      if (options.provider !== undefined) hint.provider = options.provider;
      if (options.url !== undefined) hint.url = options.url;
      if (options.model !== undefined) hint.model = options.model;
      const isJson = looksLikeJson(input);
      const result = options.stream === true || !isJson ? meterStream(input, hint) : normalizeResponse(input, hint);
      if (!isJson && result.format === undefined && options.stream !== true) {
        // Neither one JSON value nor a stream with a single event we know: say which, plainly.
        result.usageUnavailableReason =
          input.toString('utf8').trim() === ''
            ? 'the input is empty'
            : 'the input is neither valid JSON (truncated?) nor an SSE/NDJSON stream in a known format';
      }
      let priced: Priced;
      try {
        priced = await price(result, options);
      } catch (error) {
        reportFailure('usage', error);
        return;
      }
      const shown: PricedUsage = { ...result, ...priced };
      if (options.raw !== true) delete shown.rawUsage;
      const dollars = (usd: number): string => `$${usd.toFixed(9).replace(/0+$/, '').replace(/\.$/, '')}`;
      const costLine =
        priced.cost === null
          ? `cost unavailable: ${priced.costUnavailableReason ?? 'unknown'}`
          : `cost ${dollars(priced.cost.total)} at ${priced.pricedAt}`;
      const mismatch = priced.providerCostMismatch;
      const text = `${asText(result)}\n${costLine}${mismatch === undefined ? '' : `\nprovider cost differs: ours ${dollars(mismatch.ours)}, provider ${dollars(mismatch.provider)}`}`;
      process.stdout.write(
        `${options.text === true ? text : JSON.stringify(shown, (_key, value: unknown) => (value === undefined ? null : value), 2)}\n`,
      );
      if (result.usage === undefined) {
        process.stderr.write(
          `tokenledger usage: usage unavailable: ${result.usageUnavailableReason ?? 'unknown reason'}\n`,
        );
        process.exitCode = 1;
      }
    });
}
