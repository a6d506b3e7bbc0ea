/**
 * `tokenledger batch` alone, as main.ts registers it, so these tests do not depend on the
 * other commands' imports (the server's) being importable.
 */
import { Command } from 'commander';
import { registerBatchCommand } from '#src/cli/commands/batch.js';

const program = new Command().name('tokenledger');
registerBatchCommand(program);
await program.parseAsync(process.argv);
