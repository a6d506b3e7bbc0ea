/**
 * Issue 11 item 3: the basics by environment variable with no config file (keys, host, port,
 * store, log level); a config file, when present, wins, and `serve` says which source won.
 */
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { parseConfig, parseGatewayKeysVar } from '#src/config/index.js';
import { spawnServe } from '../server/serve-process.js';
import { freePort } from '../helpers/free-port.js';

const ALL = {
  TOKENLEDGER_DB: 'sqlite:/tmp/x.db',
  TOKENLEDGER_HOST: '0.0.0.0',
  TOKENLEDGER_PORT: '9123',
  TOKENLEDGER_LOG_LEVEL: 'warn',
  TOKENLEDGER_ADMIN_KEY: 'tl-admin-env-1111',
  TOKENLEDGER_INGEST_KEY: 'tl-ingest-env-2222',
  TOKENLEDGER_READ_KEY: 'tl-read-env-3333',
  TOKENLEDGER_GATEWAY_KEYS: 'tl-gw-a-4444@openai, tl-gw-b-5555@openai+anthropic',
};

describe('the basics from the environment', () => {
  it('with no file, every basic setting comes from its variable', () => {
    const config = parseConfig({}, 'env', ALL);
    expect(config.store).toBe('sqlite:/tmp/x.db');
    expect(config.server).toMatchObject({
      host: '0.0.0.0',
      port: 9123,
      logLevel: 'warn',
      adminKey: { ref: 'env:TOKENLEDGER_ADMIN_KEY', value: 'tl-admin-env-1111' },
      ingestKey: { ref: 'env:TOKENLEDGER_INGEST_KEY', value: 'tl-ingest-env-2222' },
      readKey: { ref: 'env:TOKENLEDGER_READ_KEY', value: 'tl-read-env-3333' },
    });
    expect(config.server.gatewayKeys).toEqual([
      { key: { ref: 'TOKENLEDGER_GATEWAY_KEYS[1]', value: 'tl-gw-a-4444' }, providers: ['openai'] },
      { key: { ref: 'TOKENLEDGER_GATEWAY_KEYS[2]', value: 'tl-gw-b-5555' }, providers: ['openai', 'anthropic'] },
    ]);
    expect(config.settingSources).toEqual({
      store: 'TOKENLEDGER_DB',
      'server.host': 'TOKENLEDGER_HOST',
      'server.port': 'TOKENLEDGER_PORT',
      'server.logLevel': 'TOKENLEDGER_LOG_LEVEL',
      'server.adminKey': 'TOKENLEDGER_ADMIN_KEY',
      'server.ingestKey': 'TOKENLEDGER_INGEST_KEY',
      'server.readKey': 'TOKENLEDGER_READ_KEY',
      'server.gatewayKeys': 'TOKENLEDGER_GATEWAY_KEYS',
    });
    expect(config.ignoredEnv).toEqual([]);
  });

  it('the config file wins, setting by setting, and the losing variables are named', () => {
    const config = parseConfig(
      {
        store: 'memory:',
        server: { port: 8000, adminKey: 'env:MY_ADMIN', gatewayKeys: [{ key: 'env:G', provider: 'groq' }] },
      },
      '/etc/tokenledger.yaml',
      { ...ALL, MY_ADMIN: 'file-admin', G: 'file-gw' },
    );
    expect(config.store).toBe('memory:');
    expect(config.server.port).toBe(8000);
    expect(config.server.adminKey).toEqual({ ref: 'env:MY_ADMIN', value: 'file-admin' });
    expect(config.server.gatewayKeys).toEqual([{ key: { ref: 'env:G', value: 'file-gw' }, providers: ['groq'] }]);
    // What the file leaves unset still comes from the environment.
    expect(config.server.host).toBe('0.0.0.0');
    expect(config.server.readKey?.value).toBe('tl-read-env-3333');
    expect(config.settingSources).toMatchObject({
      store: '/etc/tokenledger.yaml',
      'server.port': '/etc/tokenledger.yaml',
      'server.host': 'TOKENLEDGER_HOST',
    });
    expect(config.ignoredEnv).toEqual([
      'TOKENLEDGER_DB',
      'TOKENLEDGER_PORT',
      'TOKENLEDGER_ADMIN_KEY',
      'TOKENLEDGER_GATEWAY_KEYS',
    ]);
  });

  it('bad values are config errors naming the variable, never echoing a key', () => {
    expect(() => parseConfig({}, 'env', { TOKENLEDGER_PORT: '80a' })).toThrow(
      /TOKENLEDGER_PORT: must be an integer from 0 to 65535/,
    );
    expect(() => parseConfig({}, 'env', { TOKENLEDGER_LOG_LEVEL: 'loud' })).toThrow(
      /TOKENLEDGER_LOG_LEVEL: must be one of/,
    );
    for (const bad of ['tl-secret-key-6666', 'tl-secret-key-6666@', 'tl-ok@openai tl-secret-key-6666@open ai!']) {
      let message = '';
      try {
        parseGatewayKeysVar(bad);
      } catch (error) {
        message = (error as Error).message;
      }
      expect(message).toMatch(/^TOKENLEDGER_GATEWAY_KEYS: entry \d/);
      expect(message).not.toContain('tl-secret-key-6666');
    }
  });
});

describe('serve with the basics in the environment', () => {
  const dir = mkdtempSync(join(tmpdir(), 'tl-env-basics-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('TOKENLEDGER_ADMIN_KEY alone protects reset, and serve says where its settings came from', async () => {
    const serve = await spawnServe(
      ['--db', 'memory:', '--port', '0'],
      {
        TOKENLEDGER_ADMIN_KEY: 'tl-admin-from-env-7777',
        TOKENLEDGER_CONFIG: '',
      },
      { cwd: dir },
    );
    try {
      const reset = { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"all":true}' };
      expect((await fetch(`${serve.url}/analytics/tokens/reset`, reset)).status).toBe(401);
      const allowed = await fetch(`${serve.url}/analytics/tokens/reset`, {
        ...reset,
        headers: { ...reset.headers, 'x-tokenledger-key': 'tl-admin-from-env-7777' },
      });
      expect(allowed.status).toBe(200);
      expect(serve.stderr()).toContain(
        // spawnServe sets TOKENLEDGER_LOG_LEVEL=warn.
        'tokenledger serve: no config file; from the environment: TOKENLEDGER_LOG_LEVEL, TOKENLEDGER_ADMIN_KEY\n',
      );
      expect(serve.stderr()).not.toContain('tl-admin-from-env-7777');
    } finally {
      serve.child.kill('SIGTERM');
      await serve.exited;
    }
  });

  it('with a config file, the file wins and serve names the ignored variables', async () => {
    writeFileSync(join(dir, 'tokenledger.config.json'), JSON.stringify({ store: 'memory:', server: { port: 0 } }));
    const serve = await spawnServe([], { TOKENLEDGER_PORT: '1', TOKENLEDGER_DB: 'sqlite:./never.db' }, { cwd: dir });
    try {
      expect((await fetch(`${serve.url}/healthz`)).status).toBe(200);
      expect(serve.stderr()).toContain(
        `tokenledger serve: config file ${join(dir, 'tokenledger.config.json')}; from the environment: TOKENLEDGER_LOG_LEVEL; ignored, the config file wins: TOKENLEDGER_DB, TOKENLEDGER_PORT\n`,
      );
    } finally {
      serve.child.kill('SIGTERM');
      await serve.exited;
    }
  });

  it('every basic from the environment: host, port, store, log level, ingest, read and gateway keys', async () => {
    // A folder of its own: the test above leaves a config file in `dir`.
    const cwd = mkdtempSync(join(dir, 'no-config-'));
    const port = await freePort();
    const db = join(cwd, 'from-env.db');
    const ingest = 'tl-ingest-env-8888';
    const read = 'tl-read-env-9999';
    const gateway = 'tl-gw-openai-env-0000';
    const serve = await spawnServe(
      [],
      {
        TOKENLEDGER_CONFIG: '',
        TOKENLEDGER_HOST: '127.0.0.1',
        TOKENLEDGER_PORT: String(port),
        TOKENLEDGER_DB: `sqlite:${db}`,
        TOKENLEDGER_LOG_LEVEL: 'info',
        TOKENLEDGER_INGEST_KEY: ingest,
        TOKENLEDGER_READ_KEY: read,
        TOKENLEDGER_GATEWAY_KEYS: `${gateway}@openai`,
      },
      { cwd },
    );
    try {
      expect(serve.url).toBe(`http://127.0.0.1:${port}`);
      // Info level: the store's opening is logged (spawnServe's default, warn, leaves it out).
      expect(serve.stderr()).toMatch(/"level":30,.*"msg":"store opened"/);
      const event = JSON.stringify({
        provider: 'openai',
        model: 'gpt-4o',
        usage: { inputTokens: 10, outputTokens: 5 },
      });
      const post = (key?: string) =>
        fetch(`${serve.url}/v1/usage`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', ...(key === undefined ? {} : { 'x-tokenledger-key': key }) },
          body: event,
        });
      expect((await post()).status).toBe(401);
      expect((await post(ingest)).status).toBe(200);
      expect(existsSync(db)).toBe(true);
      expect((await fetch(`${serve.url}/analytics/tokens`)).status).toBe(401);
      const summary = await fetch(`${serve.url}/analytics/tokens`, { headers: { 'x-tokenledger-key': read } });
      expect(summary.status).toBe(200);
      expect(((await summary.json()) as { summary: { calls: number } }).summary.calls).toBe(1);
      // The gateway key names OpenAI only: Anthropic is refused before anything is sent.
      const claude = await fetch(`${serve.url}/anthropic/v1/messages`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-api-key': gateway },
        body: JSON.stringify({ model: 'claude-sonnet-4-5-20250929', max_tokens: 10, messages: [] }),
      });
      expect(claude.status).toBe(403);
      expect(((await claude.json()) as { error: { code: string } }).error.code).toBe('provider_not_allowed');
      expect(serve.stderr()).toContain(
        'tokenledger serve: no config file; from the environment: TOKENLEDGER_DB, TOKENLEDGER_HOST, TOKENLEDGER_PORT, TOKENLEDGER_LOG_LEVEL, TOKENLEDGER_INGEST_KEY, TOKENLEDGER_READ_KEY, TOKENLEDGER_GATEWAY_KEYS\n',
      );
      for (const secret of [ingest, read, gateway]) expect(serve.stderr()).not.toContain(secret);
    } finally {
      serve.child.kill('SIGTERM');
      await serve.exited;
    }
  });
});
