/**
 * Issue 11 item 2: the README's terminal transcripts run as shown, from what a fresh clone holds
 * (inputs in docs/examples/), and print what the README shows under each command.
 *
 * Each transcript block runs in a fresh folder (tour-sandbox.ts) with the CLI as it ships
 * (bundled) on PATH as `tokenledger`. Blocks that talk to a server get a fresh `tokenledger
 * serve` there (a new SQLite ledger; upstreams pointed at the local mock provider, never the
 * network); the README's port 8787 stands for that server's port, in the commands and in the
 * output. A command that starts a server itself (`tokenledger serve ...`) gets `--port N` (a
 * free port) and is compared up to its "listening on" line, its JSON log lines left out.
 * Before each command the test waits until the server has stored what earlier ones sent
 * (Served.settled). What "the same" means (trimming with `...`, run-to-run values) is in
 * readme-blocks.ts.
 *
 * Every transcript block of the README must be claimed by exactly one entry below: run, with
 * what the prose around it says is set up, or listed in NOT_RUN with the reason. The library
 * snippets (```ts) likewise: each runs with tsx in a fresh folder with its config and must print
 * the ```text block that follows it.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startMockProvider, type MockProvider } from '../helpers/mock-provider.js';
import { freePort } from '../helpers/free-port.js';
import {
  type ConsoleBlock,
  compared,
  consoleBlocks,
  type LibrarySnippet,
  librarySnippets,
  withoutLogLines,
} from './readme-blocks.js';
import {
  cloneFolder,
  commandEnv,
  createSandbox,
  runCommand,
  runTypeScript,
  runUntilListening,
  type Sandbox,
  startServe,
} from './tour-sandbox.js';

const README = readFileSync(path.join(import.meta.dirname, '..', '..', 'README.md'), 'utf8');
const BLOCKS = consoleBlocks(README);
const SNIPPETS = librarySnippets(README);

interface Scenario {
  /**
   * Names the block by a text its first command holds, found in no other block's; several
   * blocks run in order in one folder, against one server (the prose says the later ones
   * continue the first).
   */
  match: string | string[];
  /** A `tokenledger serve` in the block's folder that the commands talk to. */
  serve?: boolean;
  /** Written into the block's folder before anything runs (a config file the prose describes). */
  files?: Record<string, string>;
  /** Set for the commands and for the server. */
  env?: Record<string, string>;
}

const ADMIN_KEY = 'tl-admin-readme-0123456789';

const RUN: Scenario[] = [
  // First: the slowest (the example replays its recorded latencies, ~6 s), so the rest overlaps it.
  { match: ['npm run example:stock', 'tokenledger report --run AAPL'] },
  { match: 'tokenledger usage docs/examples/anthropic-response.json' },
  { match: 'tokenledger usage docs/examples/openrouter-web-search.json' },
  { match: 'tokenledger prices claude-sonnet-4-20250514' },
  { match: 'tokenledger usage docs/examples/anthropic-advisor.json' },
  { match: 'tokenledger serve          #' },
  { match: 'TOKENLEDGER_GATEWAY_KEYS=' },
  { match: 'OPENAI_BASE_URL=http://localhost:8787/v1 tokenledger serve' },
  { match: '"agent":"volume_agent"', serve: true },
  { match: '"usage":{"prompt_tokens":5,"completion_tokens":3}', serve: true },
  { match: 'localhost:8787/v1/traces', serve: true },
  { match: '"model":"gpt-4o-mini","usage":{"inputTokens":300', serve: true },
  { match: '"durationMs":1e308', serve: true },
  { match: 'head -c 400000000 /dev/zero', serve: true, env: { TOKENLEDGER_ADMIN_KEY: ADMIN_KEY } },
  {
    match: ['for agent in a b c d', '127.0.0.1:8787/healthz | jq'],
    serve: true,
    files: { 'tokenledger.config.yaml': 'server:\n  metrics: { maxLabelSets: 2 }\n' },
    env: { TOKENLEDGER_ADMIN_KEY: ADMIN_KEY },
  },
  { match: '"stream":true', serve: true },
  { match: "grep -i '^x-tokenledger'", serve: true },
];

/** Blocks the test does not run, and why. */
const NOT_RUN: Array<{ match: string; reason: string }> = [
  {
    match: 'tokenledger budgets',
    reason:
      'its figures are counters spent over the current window and a forecast from the clock (reset, ' +
      'runs out), and `budgets` takes no --at; test/cli/budgets.test.ts checks the table on fixed counters',
  },
];

let sandbox: Sandbox;
let mock: MockProvider;

beforeAll(async () => {
  [sandbox, mock] = await Promise.all([createSandbox(), startMockProvider()]);
});
afterAll(async () => {
  await mock?.close();
  sandbox?.close();
});

const matchesOf = (scenario: { match: string | string[] }): string[] =>
  typeof scenario.match === 'string' ? [scenario.match] : scenario.match;

function blockOf(match: string): ConsoleBlock {
  const found = BLOCKS.filter((block) => block.steps[0]?.command.includes(match) === true);
  if (found.length !== 1)
    throw new Error(`README: ${found.length} transcript blocks start with ${JSON.stringify(match)}`);
  return found[0] as ConsoleBlock;
}

const SERVE = /\btokenledger serve\b/;

/** The providers' variables, every base URL the mock provider's (keys are placeholders it ignores). */
function upstreams(): Record<string, string> {
  return {
    OPENAI_BASE_URL: `${mock.url}/v1`,
    OPENAI_API_KEY: 'sk-readme-tour',
    ANTHROPIC_BASE_URL: mock.url,
    ANTHROPIC_API_KEY: 'sk-ant-readme-tour',
    GEMINI_BASE_URL: mock.url,
    GEMINI_API_KEY: 'gemini-readme-tour',
  };
}

/** Library snippets run (with their config) and the text each prints; the others are listed with why. */
const SNIPPETS_RUN = ['usageByAgent(store)', 'openBudgetCounters({'];
const SNIPPETS_NOT_RUN: Array<{ match: string; reason: string }> = [];

function snippetOf(match: string): LibrarySnippet {
  const found = SNIPPETS.filter((snippet) => snippet.code.includes(match));
  if (found.length !== 1) throw new Error(`README: ${found.length} ts blocks hold ${JSON.stringify(match)}`);
  return found[0] as LibrarySnippet;
}

/** Runs every command of `blocks` as their scenario says; each command's output beside what the README shows. */
async function runBlocks(blocks: ConsoleBlock[], scenario: Scenario): Promise<Array<{ shown: string; real: string }>> {
  const dir = cloneFolder(sandbox, scenario.files);
  const served =
    scenario.serve === true
      ? await startServe(sandbox, dir, commandEnv(sandbox, dir, { ...upstreams(), ...scenario.env }))
      : undefined;
  const port = served?.port ?? (await freePort());
  const here = (text: string): string => text.replaceAll('8787', String(port));
  const env = commandEnv(sandbox, dir, scenario.env);
  const results: Array<{ shown: string; real: string }> = [];
  try {
    for (const step of blocks.flatMap((block) => block.steps)) {
      await served?.settled();
      const command = here(step.command);
      const output = SERVE.test(command)
        ? withoutLogLines(await runUntilListening(command.replace(SERVE, `tokenledger serve --port ${port}`), dir, env))
        : await runCommand(command, dir, env);
      results.push(compared(step.expected.map(here), output));
    }
  } finally {
    await served?.stop();
  }
  return results;
}

describe('README transcripts', () => {
  it('every transcript block is run below or listed as not run, with a reason', () => {
    const claimed = [...RUN, ...NOT_RUN].flatMap(matchesOf).map((match) => blockOf(match).line);
    expect(claimed.sort((a, b) => a - b)).toEqual(BLOCKS.map((block) => block.line));
  });

  describe.concurrent.each(RUN.map((scenario) => ({ ...scenario, name: matchesOf(scenario).join(' + ') })))(
    'the block starting with $name',
    (scenario) => {
      it('prints what the README shows', async () => {
        const blocks = matchesOf(scenario).map(blockOf);
        for (const { shown, real } of await runBlocks(blocks, scenario)) expect(real).toBe(shown);
      });
    },
  );
});

describe('README library snippets', () => {
  it('every ts block is run below or listed as not run, with a reason', () => {
    const claimed = [...SNIPPETS_RUN, ...SNIPPETS_NOT_RUN.map(({ match }) => match)].map(
      (match) => snippetOf(match).line,
    );
    expect(claimed.sort((a, b) => a - b)).toEqual(SNIPPETS.map((snippet) => snippet.line));
  });

  describe.concurrent.each(SNIPPETS_RUN)('the snippet with %s', (match) => {
    it('runs in a fresh folder, with its config, and prints what the README shows', async () => {
      const snippet = snippetOf(match);
      expect(snippet.expected, 'the README shows what it prints').toBeDefined();
      const files: Record<string, string> = { 'readme-snippet.ts': snippet.code };
      if (snippet.config !== undefined) files['tokenledger.config.yaml'] = snippet.config;
      const dir = cloneFolder(sandbox, files);
      const output = await runTypeScript('readme-snippet.ts', dir, commandEnv(sandbox, dir, upstreams()));
      const { shown, real } = compared(snippet.expected ?? [], output);
      expect(real).toBe(shown);
    });
  });
});
