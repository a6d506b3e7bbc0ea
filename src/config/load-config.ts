/**
 * Loads the config: a file (found via an explicit path, `TOKENLEDGER_CONFIG`, or
 * tokenledger.config.{json,yaml,yml} in the working directory) merged over the providers found
 * in the environment. Every problem is a `ConfigError` naming the field path.
 *
 * @module
 */
import { loadFsPromises } from '../lazy/index.js';
import { resolve as resolvePath, extname } from 'node:path';
import { ConfigError } from '../errors/index.js';
import { configFileSchema, type ConfigFile } from './schema.js';
import {
  DEFAULT_PRICE_CHECK_MS,
  type AgentConfig,
  type BasicSetting,
  type Config,
  type OtelExportConfig,
  type PriceRefreshConfig,
  type ProviderConfig,
} from './config.js';
import type { PriceOverride } from '../types/index.js';
import { parseDuration } from '../units/index.js';
import { BASIC_ENV, readEnvBasics, type EnvBasics } from './env-basics.js';
import { canonicalProviderId, providerRecord, providerRecords, type ProviderRecord } from '../providers/index.js';
import { expandEnv, resolveSecret, type SecretValue } from './env-ref.js';
import { resolveModelRef } from './resolve-model.js';
import type { GatewayKeyConfig, ServerConfig } from './server-config.js';

type Env = Record<string, string | undefined>;

export interface LoadConfigOptions {
  /** Config file path; wins over `TOKENLEDGER_CONFIG` and the working directory. */
  path?: string;
  /** Environment to read variables from. @default process.env */
  env?: Env;
  /** Where to look for tokenledger.config.{json,yaml,yml}. @default process.cwd() */
  cwd?: string;
}

const FILE_NAMES = ['tokenledger.config.json', 'tokenledger.config.yaml', 'tokenledger.config.yml'];

async function exists(path: string): Promise<boolean> {
  try {
    await loadFsPromises().access(path);
    return true;
  } catch {
    return false;
  }
}

/** Finds the config file to read, or `undefined` when there is none. */
export async function findConfigFile(options: LoadConfigOptions = {}): Promise<string | undefined> {
  const env = options.env ?? process.env;
  const cwd = options.cwd ?? process.cwd();
  const explicit = options.path ?? (env.TOKENLEDGER_CONFIG === '' ? undefined : env.TOKENLEDGER_CONFIG);
  if (explicit !== undefined) {
    const path = resolvePath(cwd, explicit);
    if (!(await exists(path))) throw new ConfigError(`config file not found: ${path}`, { field: 'config' });
    return path;
  }
  for (const name of FILE_NAMES) {
    const path = resolvePath(cwd, name);
    if (await exists(path)) return path;
  }
  return undefined;
}

/** Reads and validates the config. With no file, providers come from the environment alone. */
export async function loadConfig(options: LoadConfigOptions = {}): Promise<Config> {
  const env = options.env ?? process.env;
  const path = await findConfigFile(options);
  if (path === undefined) return parseConfig({}, 'env', env);
  let text: string;
  try {
    text = await loadFsPromises().readFile(path, 'utf8');
  } catch (error) {
    throw new ConfigError(`cannot read config file ${path}: ${(error as Error).message}`, { cause: error });
  }
  let value: unknown;
  try {
    // The YAML parser loads only for a YAML file.
    value = extname(path) === '.json' ? JSON.parse(text) : (await import('yaml')).parse(text);
  } catch (error) {
    throw new ConfigError(
      `${path}: not valid ${extname(path) === '.json' ? 'JSON' : 'YAML'}: ${(error as Error).message}`,
      {
        cause: error,
      },
    );
  }
  return parseConfig(value ?? {}, path, env);
}

/**
 * Validates a config value (parsed JSON/YAML) and resolves it against `env`.
 *
 * @param source - named in error messages (a file path, `env`, `inline`).
 */
export function parseConfig(value: unknown, source: string, env: Env = process.env): Config {
  const file = validConfigFile(value, source);
  const basics = readEnvBasics(env);
  const providers = resolveProviders(file, source, env);
  const agents: Record<string, AgentConfig> = {};
  for (const [name, agent] of Object.entries(file.agents ?? {})) {
    const ref = typeof agent === 'string' ? { model: agent } : agent;
    const target = resolveModelRef({ model: ref.model, provider: ref.provider }, providers, `agents.${name}`);
    agents[name] = { ...(typeof agent === 'string' ? {} : agent), provider: target.provider, model: target.model };
  }
  const { settingSources, ignoredEnv } = basicSources(file, source, basics);
  return {
    source,
    settingSources,
    ignoredEnv,
    store: file.store ?? basics.store,
    providers,
    agents,
    prices: overridesOf(file.prices).map((price) =>
      price.provider === undefined
        ? price
        : { ...price, provider: canonicalProviderId(price.provider) ?? price.provider },
    ),
    priceRefresh: priceRefreshOf(file.prices),
    rateLimits: (file.rateLimits ?? []).map((rule) => ({
      ...rule,
      provider: canonicalProviderId(rule.provider) ?? rule.provider,
    })),
    retry: file.retry ?? {},
    redis: file.redis ?? nonEmpty(env.TOKENLEDGER_REDIS),
    server: resolveServer(file.server, env, basics),
    otel: resolveOtelExport(file.otel, env),
    budgets: (file.budgets ?? []).map((budget) =>
      budget.scope?.provider === undefined
        ? budget
        : {
            ...budget,
            scope: { ...budget.scope, provider: canonicalProviderId(budget.scope.provider) ?? budget.scope.provider },
          },
    ),
  };
}

const DEFAULT_METRIC_INTERVAL_MS = 60_000;

function resolveOtelExport(otel: ConfigFile['otel'], env: Env): OtelExportConfig | undefined {
  if (otel === undefined) return undefined;
  const headers: Record<string, string> = {};
  for (const [name, ref] of Object.entries(otel.headers ?? {})) {
    const value = resolveSecret(ref, env).value;
    if (value === undefined)
      throw new ConfigError(`otel.headers.${name}: ${ref} is not set`, { field: `otel.headers.${name}` });
    headers[name] = value;
  }
  return {
    endpoint: otel.endpoint.replace(/\/+$/, ''),
    headers,
    metricIntervalMs: otel.metricIntervalMs ?? DEFAULT_METRIC_INTERVAL_MS,
  };
}

/** The config file checked against its schema; throws `ConfigError` naming the first bad field. */
function overridesOf(prices: ConfigFile['prices']): PriceOverride[] {
  return Array.isArray(prices) ? prices : (prices?.overrides ?? []);
}

/** Parsed durations: the schema checked them. */
function priceRefreshOf(prices: ConfigFile['prices']): PriceRefreshConfig {
  const object = prices === undefined || Array.isArray(prices) ? {} : prices;
  return {
    everyMs: object.refresh === undefined ? undefined : parseDuration(object.refresh),
    source: object.source,
    checkMs: (object.check === undefined ? undefined : parseDuration(object.check)) ?? DEFAULT_PRICE_CHECK_MS,
  };
}

interface SchemaIssue {
  path: PropertyKey[];
  message: string;
  code?: string;
  errors?: SchemaIssue[][];
}

/**
 * A union's failure (`prices`: a list or an object) as the issue of the option that got
 * furthest, its path joined to the union's: `prices.0.input`, not `prices: Invalid input`.
 */
function innermostIssue(issue: SchemaIssue | undefined): SchemaIssue | undefined {
  if (issue?.code !== 'invalid_union' || issue.errors === undefined) return issue;
  let best: SchemaIssue | undefined;
  for (const option of issue.errors) {
    const first = innermostIssue(option[0]);
    if (first !== undefined && (best === undefined || first.path.length > best.path.length)) best = first;
  }
  return best === undefined ? issue : { ...best, path: [...issue.path, ...best.path] };
}

function validConfigFile(value: unknown, source: string): ConfigFile {
  // No file at all (`{}`: every field is optional, none has a default) needs no schema, and
  // then zod does not load: the start-up of every command without a config file.
  if (isEmptyObject(value)) return {};
  const parsed = configFileSchema().safeParse(value);
  if (!parsed.success) {
    const issue = innermostIssue(parsed.error.issues[0]);
    const field = issue === undefined ? '' : issue.path.map(String).join('.');
    const message = issue?.message ?? 'invalid config';
    throw new ConfigError(`${source}: ${field === '' ? '' : `${field}: `}${message}`, { field });
  }
  return parsed.data;
}

function isEmptyObject(value: unknown): boolean {
  return (
    typeof value === 'object' &&
    value !== null &&
    Object.getPrototypeOf(value) === Object.prototype &&
    Object.keys(value).length === 0
  );
}

const BASIC_FIELDS: Readonly<Record<BasicSetting, keyof EnvBasics>> = {
  store: 'store',
  'server.host': 'host',
  'server.port': 'port',
  'server.logLevel': 'logLevel',
  'server.adminKey': 'adminKey',
  'server.ingestKey': 'ingestKey',
  'server.readKey': 'readKey',
  'server.gatewayKeys': 'gatewayKeys',
};

/** For each basic setting, who set it: the file wins over its variable. */
function basicSources(
  file: ConfigFile,
  source: string,
  basics: EnvBasics,
): Pick<Config, 'settingSources' | 'ignoredEnv'> {
  const settingSources: Config['settingSources'] = {};
  const ignoredEnv: string[] = [];
  for (const [setting, field] of Object.entries(BASIC_FIELDS) as [BasicSetting, keyof EnvBasics][]) {
    const inFile = setting === 'store' ? file.store : file.server?.[field as Exclude<keyof EnvBasics, 'store'>];
    const fromEnv = basics[field] !== undefined;
    if (inFile !== undefined) {
      settingSources[setting] = source;
      if (fromEnv) ignoredEnv.push(BASIC_ENV[setting]);
    } else if (fromEnv) settingSources[setting] = BASIC_ENV[setting];
  }
  return { settingSources, ignoredEnv };
}

function nonEmpty(value: string | undefined): string | undefined {
  return value === undefined || value === '' ? undefined : value;
}

/** The records the environment can configure: those with variables and a client adapter. */
function envProviders(): (ProviderRecord & Required<Pick<ProviderRecord, 'env' | 'client'>>)[] {
  return providerRecords().filter(
    (record): record is ProviderRecord & Required<Pick<ProviderRecord, 'env' | 'client'>> =>
      record.env !== undefined && record.client !== undefined,
  );
}

function resolveProviders(file: ConfigFile, source: string, env: Env): Record<string, ProviderConfig> {
  const out: Record<string, ProviderConfig> = {};
  // From the environment: a known provider is configured when its key (or, for local servers,
  // its URL variable) is set.
  for (const record of envProviders()) {
    const known = record.env;
    const keyVar = known.keyVars.find((name) => nonEmpty(env[name]) !== undefined);
    const baseVar = known.baseURLVar === undefined ? undefined : nonEmpty(env[known.baseURLVar]);
    if (keyVar === undefined && !(known.keyOptional === true && baseVar !== undefined)) continue;
    out[record.id] = {
      id: record.id,
      type: record.client.adapter,
      baseURL: baseVar === undefined ? undefined : envBaseURL(baseVar, known.baseURLSuffix),
      apiKeys: keyVar === undefined ? [] : [resolveSecret(`env:${keyVar}`, env)],
      keyOptional: known.keyOptional === true,
      headers: {},
    };
  }
  const named = new Map<string, string>();
  for (const [written, provider] of Object.entries(file.providers ?? {})) {
    // `gemini` and `google` are one provider: the config may use any of its names.
    const id = canonicalProviderId(written) ?? written;
    const earlier = named.get(id);
    if (earlier !== undefined) {
      throw new ConfigError(
        `${source}: providers.${written}: names the same provider as providers.${earlier} (${id})`,
        {
          field: `providers.${written}`,
        },
      );
    }
    named.set(id, written);
    const record = providerRecord(id);
    const known = record?.env;
    const type = provider.type ?? record?.client?.adapter;
    if (type === undefined) {
      throw new ConfigError(
        `${source}: providers.${written}.type: required for a provider tokenledger does not know (openai-compatible, anthropic or gemini)`,
        {
          field: `providers.${written}.type`,
        },
      );
    }
    const refs = [...(provider.apiKey === undefined ? [] : [provider.apiKey]), ...(provider.apiKeys ?? [])];
    let apiKeys: SecretValue[];
    if (refs.length > 0) apiKeys = refs.map((ref) => resolveSecret(ref, env));
    else
      apiKeys = out[id]?.apiKeys ?? (known === undefined ? [] : [resolveSecret(`env:${known.keyVars[0] ?? ''}`, env)]);
    const headers: Record<string, string> = {};
    for (const [name, headerValue] of Object.entries(provider.headers ?? {}))
      headers[name] = expandEnv(headerValue, env);
    out[id] = {
      id,
      type,
      baseURL: provider.baseURL === undefined ? out[id]?.baseURL : expandEnv(provider.baseURL, env),
      apiKeys,
      // A provider of yours with no key configured is taken to need none (a local server).
      keyOptional: known === undefined ? refs.length === 0 : known.keyOptional === true,
      headers,
    };
  }
  return out;
}

function envBaseURL(value: string, suffix: string | undefined): string {
  // OLLAMA_HOST may be `127.0.0.1:11434` without a scheme.
  const withScheme = /^https?:\/\//.test(value) ? value : `http://${value}`;
  const trimmed = withScheme.replace(/\/+$/, '');
  return suffix === undefined || trimmed.endsWith(suffix) ? trimmed : `${trimmed}${suffix}`;
}

function resolveServer(server: ConfigFile['server'], env: Env, basics: EnvBasics): ServerConfig {
  const file = server ?? {};
  const secret = (ref: string | undefined, fallback: SecretValue | undefined): SecretValue | undefined =>
    ref === undefined ? fallback : resolveSecret(ref, env);
  const gatewayKeys =
    file.gatewayKeys?.map(
      ({ provider, providers, key, upstreamKey, ...entry }): GatewayKeyConfig => ({
        ...entry,
        key: resolveSecret(key, env),
        providers:
          provider !== undefined ? [provider] : typeof providers === 'string' ? [providers] : (providers ?? []),
        ...(upstreamKey === undefined ? {} : { upstreamKey: resolveSecret(upstreamKey, env) }),
      }),
    ) ?? basics.gatewayKeys;
  // Provider names as the registry spells them, so `gemini` allows the gateway's Google route.
  const canonicalKeys = gatewayKeys?.map((entry) => ({
    ...entry,
    providers: entry.providers.map((name) => canonicalProviderId(name) ?? name),
  }));
  const out: ServerConfig = {
    gatewayKeys: canonicalKeys ?? [],
    upstreams: (file.upstreams ?? []).map((entry) => ({
      provider: canonicalProviderId(entry.provider) ?? entry.provider,
      baseURL: expandEnv(entry.baseURL, env),
      ...(entry.apiKey === undefined ? {} : { apiKey: resolveSecret(entry.apiKey, env) }),
    })),
    modelRoutes: (file.modelRoutes ?? []).map((route) => ({
      ...route,
      provider: canonicalProviderId(route.provider) ?? route.provider,
    })),
    fallbacks: (file.fallbacks ?? []).map((entry) => ({
      ...entry,
      chain: entry.chain.map((step) => ({ ...step, provider: canonicalProviderId(step.provider) ?? step.provider })),
    })),
    allowedHosts: file.allowedHosts ?? [],
    streamUsage: file.streamUsage ?? 'inject',
    limits: file.limits ?? {},
    metrics: file.metrics ?? {},
    spool: file.spool ?? {},
  };
  const host = file.host ?? basics.host;
  if (host !== undefined) out.host = host;
  const port = file.port ?? basics.port;
  if (port !== undefined) out.port = port;
  const logLevel = file.logLevel ?? basics.logLevel;
  if (logLevel !== undefined) out.logLevel = logLevel;
  if (file.retry !== undefined) out.retry = file.retry;
  const adminKey = secret(file.adminKey, basics.adminKey);
  if (adminKey !== undefined) out.adminKey = adminKey;
  const ingestKey = secret(file.ingestKey, basics.ingestKey);
  if (ingestKey !== undefined) out.ingestKey = ingestKey;
  const readKey = secret(file.readKey, basics.readKey);
  if (readKey !== undefined) out.readKey = readKey;
  return out;
}
