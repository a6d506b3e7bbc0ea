#!/usr/bin/env node
/**
 * The `tokenledger` command. Each command lives in its own file under commands/ and
 * registers itself here.
 *
 * @module
 */
import { Command } from 'commander';
import { registerBatchCommand } from './commands/batch.js';
import { registerServeCommand } from './commands/serve.js';
import { registerReportCommand } from './commands/report.js';
import { registerImportCommand } from './commands/import.js';
import { registerUsageCommand } from './commands/usage.js';
import { registerPricesCommand } from './commands/prices.js';
import { registerCompareCommand } from './commands/compare.js';

const program = new Command();
program.name('tokenledger').description('Exact tokens and dollars for every LLM call.').version('0.1.0');

// Commands register below, one line each (keep this marker: helpers add lines under it).
// @commands
registerServeCommand(program);
registerReportCommand(program);
registerCompareCommand(program);
registerUsageCommand(program);
registerPricesCommand(program);
registerImportCommand(program);
registerBatchCommand(program);

await program.parseAsync(process.argv);
