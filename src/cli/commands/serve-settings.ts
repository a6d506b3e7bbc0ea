/**
 * The line `serve` prints about where its settings came from: the config file, the
 * environment (TOKENLEDGER_* variables, used when no file sets them), and which variables
 * lost to the file.
 *
 * @module
 */
import { BASIC_ENV, type Config } from '../../config/index.js';

export function describeSettingSources(config: Pick<Config, 'source' | 'settingSources' | 'ignoredEnv'>): string {
  const envVars = new Set(Object.values(BASIC_ENV));
  const fromEnv = Object.values(config.settingSources).filter((source) => envVars.has(source));
  const parts = [config.source === 'env' ? 'no config file' : `config file ${config.source}`];
  parts.push(
    fromEnv.length > 0
      ? `from the environment: ${fromEnv.join(', ')}`
      : 'no TOKENLEDGER_* settings from the environment',
  );
  if (config.ignoredEnv.length > 0) parts.push(`ignored, the config file wins: ${config.ignoredEnv.join(', ')}`);
  return parts.join('; ');
}
