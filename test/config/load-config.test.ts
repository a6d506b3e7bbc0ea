import { mkdtemp, writeFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { loadConfig, parseConfig, resolveModelRef } from '#src/config/index.js';
import { ConfigError } from '#src/errors/index.js';

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'tl-config-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('loadConfig without a file', () => {
  it('finds providers from the variables their users already set', async () => {
    const config = await loadConfig({
      cwd: dir,
      env: {
        OPENAI_API_KEY: 'sk-test-openai-0000000000',
        OPENAI_BASE_URL: 'http://127.0.0.1:9/v1',
        GOOGLE_API_KEY: 'AIza-test',
        OLLAMA_HOST: '127.0.0.1:11434',
      },
    });
    expect(config.source).toBe('env');
    // Gemini's variables configure the provider under its canonical id.
    expect(Object.keys(config.providers).sort()).toEqual(['google', 'ollama', 'openai']);
    expect(config.providers.openai?.baseURL).toBe('http://127.0.0.1:9/v1');
    expect(config.providers.openai?.apiKeys).toEqual([
      { ref: 'env:OPENAI_API_KEY', value: 'sk-test-openai-0000000000' },
    ]);
    expect(config.providers.google?.apiKeys[0]?.ref).toBe('env:GOOGLE_API_KEY');
    expect(config.providers.ollama).toMatchObject({
      baseURL: 'http://127.0.0.1:11434/v1',
      keyOptional: true,
      apiKeys: [],
    });
    expect(config.providers.anthropic).toBeUndefined();
  });

  it('reads TOKENLEDGER_DB as the store', async () => {
    const config = await loadConfig({ cwd: dir, env: { TOKENLEDGER_DB: 'sqlite:/tmp/x.db' } });
    expect(config.store).toBe('sqlite:/tmp/x.db');
  });
});

describe('loadConfig with a file', () => {
  it('reads YAML from the working directory, resolves env references and agents', async () => {
    await writeFile(
      join(dir, 'tokenledger.config.yaml'),
      [
        'store: sqlite:./ledger.db',
        'providers:',
        '  openrouter:',
        // biome-ignore lint/suspicious/noTemplateCurlyInString: the config file's own ${NAME} reference syntax
        '    apiKeys: ["env:OR_KEY_1", "${OR_KEY_2}"]',
        '    headers: { HTTP-Referer: "https://example.com" }',
        '  local:',
        '    type: openai-compatible',
        '    baseURL: http://127.0.0.1:8000/v1',
        'agents:',
        '  indicator_agent: google/gemini-2.5-flash',
        '  local_agent: local/llama3',
        '  writer: { provider: openrouter, model: openai/gpt-4o-mini, temperature: 0.2, maxTokens: 300 }',
        'rateLimits:',
        '  - { provider: openrouter, rpm: 600, concurrency: 10 }',
        'retry: { maxAttempts: 5 }',
        'server:',
        '  adminKey: env:ADMIN',
        '  readKey: env:READ',
      ].join('\n'),
    );
    const config = await loadConfig({
      cwd: dir,
      env: { OR_KEY_1: 'sk-or-v1-aaaaaaaaaaaa', ADMIN: 'admin-secret', READ: 'read-secret' },
    });
    expect(config.source).toBe(join(dir, 'tokenledger.config.yaml'));
    expect(config.store).toBe('sqlite:./ledger.db');
    expect(config.providers.openrouter?.apiKeys).toEqual([
      { ref: 'env:OR_KEY_1', value: 'sk-or-v1-aaaaaaaaaaaa' },
      { ref: 'env:OR_KEY_2', value: undefined },
    ]);
    expect(config.providers.openrouter?.type).toBe('openai-compatible');
    expect(config.providers.local).toMatchObject({ keyOptional: true, baseURL: 'http://127.0.0.1:8000/v1' });
    expect(config.agents.indicator_agent).toEqual({ provider: 'openrouter', model: 'google/gemini-2.5-flash' });
    expect(config.agents.local_agent).toEqual({ provider: 'local', model: 'llama3' });
    expect(config.agents.writer).toEqual({
      provider: 'openrouter',
      model: 'openai/gpt-4o-mini',
      temperature: 0.2,
      maxTokens: 300,
    });
    expect(config.rateLimits).toEqual([{ provider: 'openrouter', rpm: 600, concurrency: 10 }]);
    expect(config.retry.maxAttempts).toBe(5);
    expect(config.server.adminKey).toEqual({ ref: 'env:ADMIN', value: 'admin-secret' });
    expect(config.server.readKey).toEqual({ ref: 'env:READ', value: 'read-secret' });
  });

  it('prefers --config over TOKENLEDGER_CONFIG over the working directory', async () => {
    await writeFile(join(dir, 'a.json'), JSON.stringify({ store: 'a' }));
    await writeFile(join(dir, 'b.json'), JSON.stringify({ store: 'b' }));
    await writeFile(join(dir, 'tokenledger.config.json'), JSON.stringify({ store: 'c' }));
    expect((await loadConfig({ cwd: dir, path: 'a.json', env: { TOKENLEDGER_CONFIG: 'b.json' } })).store).toBe('a');
    expect((await loadConfig({ cwd: dir, env: { TOKENLEDGER_CONFIG: 'b.json' } })).store).toBe('b');
    expect((await loadConfig({ cwd: dir, env: {} })).store).toBe('c');
  });

  it('names a missing file', async () => {
    await expect(loadConfig({ cwd: dir, path: 'nope.yaml', env: {} })).rejects.toThrow(
      /config file not found: .*nope\.yaml/,
    );
  });

  it('names a syntax error', async () => {
    await writeFile(join(dir, 'tokenledger.config.json'), '{ "store": ');
    await expect(loadConfig({ cwd: dir, env: {} })).rejects.toBeInstanceOf(ConfigError);
  });
});

describe('parseConfig errors name the field path', () => {
  const cases: Array<[unknown, string]> = [
    [{ rateLimits: [{ provider: 'openai', rpm: -1 }] }, 'rateLimits.0.rpm'],
    [{ providers: { openai: { baseURL: 'not a url' } } }, 'providers.openai.baseURL'],
    [{ providers: { mine: { baseURL: 'http://127.0.0.1:1/v1' } } }, 'providers.mine.type'],
    [{ retry: { maxAtempts: 3 } }, 'retry'],
    [{ agents: { a: { model: '' } } }, 'agents.a'],
    [{ redis: 'http://x' }, 'redis'],
    [{ prices: [{ model: 'x', input: 'cheap', output: 1 }] }, 'prices.0.input'],
    [{ prices: { refresh: 'daily' } }, 'prices.refresh'],
    [{ prices: { overrides: [{ model: 'x', input: -1, output: 1 }] } }, 'prices.overrides.0.input'],
    // One strict schema for server.*: a misspelt key is named, not ignored.
    [{ server: { adminKeys: 'env:A' } }, 'server'],
    [{ server: { modelRoutes: [{ prefix: '', provider: 'x' }] } }, 'server.modelRoutes.0.prefix'],
    [{ server: { limits: { maxBodyBytes: 0 } } }, 'server.limits.maxBodyBytes'],
    [{ server: { allowedHosts: [''] } }, 'server.allowedHosts.0'],
    [{ server: { port: 70000 } }, 'server.port'],
    [{ otel: { endpoint: 'collector:4318' } }, 'otel.endpoint'],
    [{ otel: { endpoint: 'http://127.0.0.1:4318', metricIntervalMs: 5 } }, 'otel.metricIntervalMs'],
    [{ otel: { endpoint: 'http://127.0.0.1:4318', headers: { 'x-key': 'env:UNSET_KEY' } } }, 'otel.headers.x-key'],
  ];
  for (const [value, field] of cases) {
    it(field, () => {
      try {
        parseConfig(value, 'inline', {});
        expect.unreachable();
      } catch (error) {
        expect(error).toBeInstanceOf(ConfigError);
        expect((error as ConfigError).field).toContain(field);
        expect((error as ConfigError).message).toContain(field);
      }
    });
  }

  it('never puts a literal key into a message', () => {
    try {
      parseConfig({ providers: { openai: { apiKey: 'sk-literal-secret-123456', baseURL: 'nope' } } }, 'inline', {});
      expect.unreachable();
    } catch (error) {
      expect(String(error)).not.toContain('sk-literal-secret-123456');
    }
    const config = parseConfig({ providers: { openai: { apiKey: 'sk-literal-secret-123456' } } }, 'inline', {});
    expect(config.providers.openai?.apiKeys[0]).toEqual({ ref: '(literal)', value: 'sk-literal-secret-123456' });
  });
});

describe('otel export config', () => {
  it('is off unless configured; the endpoint loses its trailing slash, header references resolve', () => {
    expect(parseConfig({}, 'inline', {}).otel).toBeUndefined();
    const config = parseConfig(
      { otel: { endpoint: 'http://127.0.0.1:4318/', headers: { authorization: 'env:COLLECTOR' } } },
      'inline',
      { COLLECTOR: 'Bearer ck-1' },
    );
    expect(config.otel).toEqual({
      endpoint: 'http://127.0.0.1:4318',
      headers: { authorization: 'Bearer ck-1' },
      metricIntervalMs: 60_000,
    });
  });
});

describe('provider names in the config', () => {
  it('are folded to the canonical id: providers, rate limits, prices, gateway keys and upstreams', () => {
    const config = parseConfig(
      {
        providers: { gemini: { apiKey: 'env:GK' }, 'X-AI': { apiKey: 'env:XK' } },
        rateLimits: [{ provider: 'gemini', rpm: 10 }],
        prices: [{ provider: 'Gemini', model: 'm', input: 1, output: 2 }],
        server: {
          gatewayKeys: [{ key: 'env:CK', provider: 'gemini' }],
          upstreams: [{ provider: 'vertex', baseURL: 'http://127.0.0.1:1' }],
        },
      },
      'inline',
      { GK: 'g-key', XK: 'x-key', CK: 'client-key' },
    );
    expect(Object.keys(config.providers).sort()).toEqual(['google', 'xai']);
    expect(config.providers.google).toMatchObject({ id: 'google', type: 'gemini' });
    expect(config.providers.xai).toMatchObject({ id: 'xai', type: 'openai-compatible' });
    expect(config.rateLimits[0]?.provider).toBe('google');
    expect(config.prices[0]?.provider).toBe('google');
    expect(config.server.gatewayKeys[0]?.providers).toEqual(['google']);
    expect(config.server.upstreams[0]?.provider).toBe('google');
  });

  it('refuses two entries for one provider, naming both', () => {
    expect(() =>
      parseConfig({ providers: { gemini: { apiKey: 'env:A' }, google: { apiKey: 'env:B' } } }, 'inline', {}),
    ).toThrow(/providers\.google: names the same provider as providers\.gemini \(google\)/);
  });
});

describe('resolveModelRef', () => {
  const providers = parseConfig({}, 'env', { OPENAI_API_KEY: 'sk-aaaaaaaaaaaa', ANTHROPIC_API_KEY: 'x' }).providers;
  it('uses a configured provider prefix, else OpenRouter for vendor/model ids', () => {
    expect(resolveModelRef({ model: 'openai/gpt-4o-mini' }, providers)).toEqual({
      provider: 'openai',
      model: 'gpt-4o-mini',
    });
    expect(resolveModelRef({ model: 'meta-llama/llama-3.3-70b-instruct' }, providers)).toEqual({
      provider: 'openrouter',
      model: 'meta-llama/llama-3.3-70b-instruct',
    });
    // `gemini` (the config id of old) and `google` name one provider.
    expect(resolveModelRef({ model: 'gemini/gemini-2.5-flash' }, providers)).toEqual({
      provider: 'google',
      model: 'gemini-2.5-flash',
    });
    expect(resolveModelRef({ provider: 'Gemini', model: 'gemini-2.5-pro' }, providers)).toEqual({
      provider: 'google',
      model: 'gemini-2.5-pro',
    });
    expect(resolveModelRef({ provider: 'anthropic', model: 'claude-x' }, providers)).toEqual({
      provider: 'anthropic',
      model: 'claude-x',
    });
  });
  it('takes a known provider prefix at its word when OpenRouter is not configured', () => {
    expect(resolveModelRef({ model: 'groq/llama-3.3-70b' }, providers)).toEqual({
      provider: 'groq',
      model: 'llama-3.3-70b',
    });
    const withRouter = parseConfig({}, 'env', { OPENROUTER_API_KEY: 'sk-or-aaaaaaaaaaaa' }).providers;
    expect(resolveModelRef({ model: 'groq/llama-3.3-70b' }, withRouter)).toEqual({
      provider: 'openrouter',
      model: 'groq/llama-3.3-70b',
    });
  });
  it('asks for provider/model when a bare model is ambiguous', () => {
    expect(() => resolveModelRef({ model: 'gpt-4o' }, providers)).toThrow(/names no provider/);
  });
});

describe('prices: the bare list or the object form', () => {
  it('the list is the overrides; nothing is refreshed', () => {
    const config = parseConfig({ prices: [{ model: 'm', input: 1, output: 2 }] }, 'inline', {});
    expect(config.prices).toEqual([{ model: 'm', input: 1, output: 2 }]);
    expect(config.priceRefresh).toEqual({ everyMs: undefined, source: undefined, checkMs: 60_000 });
  });

  it('the object form: overrides, refresh, source and check', () => {
    const config = parseConfig(
      {
        prices: {
          refresh: '24h',
          source: 'https://prices.example.test/data.json',
          check: '30s',
          overrides: [{ model: 'm', input: 1, output: 2 }],
        },
      },
      'inline',
      {},
    );
    expect(config.prices).toEqual([{ model: 'm', input: 1, output: 2 }]);
    expect(config.priceRefresh).toEqual({
      everyMs: 86_400_000,
      source: 'https://prices.example.test/data.json',
      checkMs: 30_000,
    });
  });
});
