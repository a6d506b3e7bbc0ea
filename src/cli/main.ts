#!/usr/bin/env node
/**
 * The `tokenledger` command. Each command lives in its own file under commands/ and registers
 * itself here. Start-up stays short: `--version` answers before anything else loads, and a run
 * of one command loads that command only (every one is loaded for help and for an unknown name).
 *
 * @module
 */
import type { Command } from 'commander';
import { packageVersion } from './package-root.js';

type Register = (program: Command) => void;

// One line per command (keep this marker: helpers add lines under it).
// @commands
const COMMANDS: Record<string, () => Promise<Register>> = {
  serve: async () => (await import('./commands/serve.js')).registerServeCommand,
  report: async () => (await import('./commands/report.js')).registerReportCommand,
  compare: async () => (await import('./commands/compare.js')).registerCompareCommand,
  usage: async () => (await import('./commands/usage.js')).registerUsageCommand,
  prices: async () => (await import('./commands/prices.js')).registerPricesCommand,
  import: async () => (await import('./commands/import.js')).registerImportCommand,
  batch: async () => (await import('./commands/batch.js')).registerBatchCommand,
  budgets: async () => (await import('./commands/budgets.js')).registerBudgetsCommand,
  'dead-letters': async () => (await import('./commands/dead-letters.js')).registerDeadLettersCommand,
  whatif: async () => (await import('./commands/whatif.js')).registerWhatIfCommand,
  reprice: async () => (await import('./commands/reprice.js')).registerRepriceCommand,
};

/**
 * `tokenledger report | head -1`: once the reader has gone, the rest of the output has nowhere
 * to go. End quietly, as `cat` does, rather than with an EPIPE stack trace.
 */
function endQuietlyOnClosedPipe(stream: NodeJS.WriteStream): void {
  stream.on('error', (error: NodeJS.ErrnoException) => {
    if (error.code === 'EPIPE') process.exit(0);
    throw error;
  });
}

async function main(args: readonly string[]): Promise<void> {
  endQuietlyOnClosedPipe(process.stdout);
  const version = packageVersion();
  if (args.length === 1 && (args[0] === '--version' || args[0] === '-V')) {
    process.stdout.write(`${version}\n`);
    return;
  }
  const { Command } = await import('commander');
  const program = new Command();
  program.name('tokenledger').description('Exact tokens and dollars for every LLM call.').version(version);
  const named = args[0] === undefined ? undefined : COMMANDS[args[0]];
  const registers = await Promise.all(named === undefined ? Object.values(COMMANDS).map((load) => load()) : [named()]);
  for (const register of registers) register(program);
  await program.parseAsync(process.argv);
}

await main(process.argv.slice(2));
