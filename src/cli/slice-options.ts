/**
 * The options a read command takes to pick its ledger and the calls it reads (`compare`,
 * `whatif`): the store, the config, a time range, one run, agent or provider, and tags.
 * (`report` takes the same, each repeatable, and exclusions.)
 *
 * @module
 */
import type { Command } from 'commander';
import { DEFAULT_DB } from '../store/index.js';

export interface SliceOptions {
  db?: string;
  config?: string;
  run?: string;
  agent?: string;
  provider?: string;
  tag: string[];
  since?: string;
  from?: string;
  to?: string;
}

/** A repeatable option's values, in the order given. */
export const collect = (value: string, previous: string[] | undefined): string[] => [...(previous ?? []), value];

/** Adds the slice options to `command`; `configHelp` says what the config file gives it. */
export function withSliceOptions(command: Command, configHelp = 'its store is the default --db'): Command {
  return command
    .option('--db <url>', `store URL (default: config store, TOKENLEDGER_DB, ${DEFAULT_DB})`)
    .option('-c, --config <path>', `config file (${configHelp})`)
    .option('--since <duration>', 'only the last 90s, 30m, 24h, 7d, 2w')
    .option('--from <iso>', 'only calls started at or after this time')
    .option('--to <iso>', 'only calls started before this time')
    .option('--run <run>', 'only this run')
    .option('--agent <agent>', 'only this agent')
    .option('--provider <provider>', 'only this provider')
    .option('--tag <key=value>', 'only calls with this tag (repeatable)', collect, []);
}
