/**
 * The basics by environment variable, for a server run with no config file (a container, a
 * one-liner): keys, host, port, store and log level. A config file, when present, wins over
 * each of them (load-config.ts says which were ignored).
 *
 * | variable | setting |
 * | --- | --- |
 * | `TOKENLEDGER_DB` | `store` |
 * | `TOKENLEDGER_HOST`, `TOKENLEDGER_PORT` | `server.host`, `server.port` |
 * | `TOKENLEDGER_LOG_LEVEL` | `server.logLevel` |
 * | `TOKENLEDGER_ADMIN_KEY`, `TOKENLEDGER_INGEST_KEY`, `TOKENLEDGER_READ_KEY` | `server.adminKey`, `.ingestKey`, `.readKey` |
 * | `TOKENLEDGER_GATEWAY_KEYS` | `server.gatewayKeys`: `KEY@provider[+provider...]`, comma-separated |
 *
 * @module
 */
import { ConfigError } from '../errors/index.js';
import type { BasicSetting } from './config.js';
import { resolveSecret, type SecretValue } from './env-ref.js';
import type { GatewayKeyConfig, LogLevel } from './server-config.js';
import { LOG_LEVELS } from './server-schema.js';

type Env = Record<string, string | undefined>;

export const GATEWAY_KEYS_VAR = 'TOKENLEDGER_GATEWAY_KEYS';

/** Each basic setting and the variable it can come from. */
export const BASIC_ENV: Readonly<Record<BasicSetting, string>> = {
  store: 'TOKENLEDGER_DB',
  'server.host': 'TOKENLEDGER_HOST',
  'server.port': 'TOKENLEDGER_PORT',
  'server.logLevel': 'TOKENLEDGER_LOG_LEVEL',
  'server.adminKey': 'TOKENLEDGER_ADMIN_KEY',
  'server.ingestKey': 'TOKENLEDGER_INGEST_KEY',
  'server.readKey': 'TOKENLEDGER_READ_KEY',
  'server.gatewayKeys': GATEWAY_KEYS_VAR,
};

export interface EnvBasics {
  store?: string;
  host?: string;
  port?: number;
  logLevel?: LogLevel;
  adminKey?: SecretValue;
  ingestKey?: SecretValue;
  readKey?: SecretValue;
  gatewayKeys?: GatewayKeyConfig[];
}

const PROVIDER_ID = /^[A-Za-z0-9][A-Za-z0-9._-]*$/;

/**
 * `TOKENLEDGER_GATEWAY_KEYS`: `KEY@provider[+provider...]` entries separated by commas or
 * white space, e.g. `tlk_team_a@openai, tlk_team_b@openai+anthropic`. Keys use the server's
 * own key for each provider (OPENAI_API_KEY...). Messages name an entry by position, never
 * its key.
 */
export function parseGatewayKeysVar(text: string): GatewayKeyConfig[] {
  const entries = text.split(/[\s,]+/).filter((entry) => entry !== '');
  return entries.map((entry, index) => {
    const at = entry.lastIndexOf('@');
    const where = `${GATEWAY_KEYS_VAR}: entry ${index + 1}`;
    if (at <= 0)
      throw new ConfigError(`${where}: expected KEY@provider (providers joined by +), e.g. tlk_team_a@openai`, {
        field: GATEWAY_KEYS_VAR,
      });
    const providers = entry.slice(at + 1).split('+');
    if (providers.some((id) => !PROVIDER_ID.test(id)))
      throw new ConfigError(`${where}: after @, provider ids joined by + (openai+anthropic)`, {
        field: GATEWAY_KEYS_VAR,
      });
    return { key: { ref: `${GATEWAY_KEYS_VAR}[${index + 1}]`, value: entry.slice(0, at) }, providers };
  });
}

function set(env: Env, name: string): string | undefined {
  const value = env[name];
  return value === undefined || value.trim() === '' ? undefined : value.trim();
}

/** The basics found in `env`, validated (a bad value is a ConfigError naming its variable). */
export function readEnvBasics(env: Env): EnvBasics {
  const out: EnvBasics = {};
  const store = set(env, BASIC_ENV.store);
  if (store !== undefined) out.store = store;
  const host = set(env, BASIC_ENV['server.host']);
  if (host !== undefined) out.host = host;
  const port = set(env, BASIC_ENV['server.port']);
  if (port !== undefined) {
    if (!/^\d+$/.test(port) || Number(port) > 65535)
      throw new ConfigError(`TOKENLEDGER_PORT: must be an integer from 0 to 65535, got "${port.slice(0, 20)}"`, {
        field: 'TOKENLEDGER_PORT',
      });
    out.port = Number(port);
  }
  const level = set(env, BASIC_ENV['server.logLevel']);
  if (level !== undefined) {
    if (!(LOG_LEVELS as readonly string[]).includes(level))
      throw new ConfigError(`TOKENLEDGER_LOG_LEVEL: must be one of ${LOG_LEVELS.join(', ')}`, {
        field: 'TOKENLEDGER_LOG_LEVEL',
      });
    out.logLevel = level as LogLevel;
  }
  for (const [setting, field] of [
    ['server.adminKey', 'adminKey'],
    ['server.ingestKey', 'ingestKey'],
    ['server.readKey', 'readKey'],
  ] as const) {
    const name = BASIC_ENV[setting];
    if (set(env, name) !== undefined) out[field] = resolveSecret(`env:${name}`, env);
  }
  const gatewayKeys = set(env, GATEWAY_KEYS_VAR);
  if (gatewayKeys !== undefined) out.gatewayKeys = parseGatewayKeysVar(gatewayKeys);
  return out;
}
