/** How the README's transcripts are read and compared (readme-blocks.ts), on small made-up blocks. */
import { describe, expect, it } from 'vitest';
import { consoleBlocks, librarySnippets, matches, shownAs, withoutLogLines } from './readme-blocks.js';

const MARKDOWN = [
  'Some prose.',
  '```console',
  '$ tokenledger usage a.json --text   # a comment',
  'total 87',
  '$ curl -s localhost:8787/v1/usage \\',
  "    -d '{}'",
  '{"ids":["01M8278AJA88523GCEFMQYEYXZ"],"recorded":1}',
  '```',
  '```sh',
  'npm test',
  '```',
  '```',
  '$ tokenledger budgets',
  'budget  window',
  '```',
].join('\n');

describe('consoleBlocks', () => {
  it('reads console blocks and bare blocks that start with a prompt, with continued commands', () => {
    expect(consoleBlocks(MARKDOWN)).toEqual([
      {
        line: 2,
        steps: [
          { command: 'tokenledger usage a.json --text   # a comment', expected: ['total 87'] },
          {
            command: "curl -s localhost:8787/v1/usage \\\n    -d '{}'",
            expected: ['{"ids":["01M8278AJA88523GCEFMQYEYXZ"],"recorded":1}'],
          },
        ],
      },
      { line: 12, steps: [{ command: 'tokenledger budgets', expected: ['budget  window'] }] },
    ]);
  });
});

describe('matches', () => {
  it('compares line for line, a differing figure fails', () => {
    expect(matches(['total 87'], shownAs('total 87\n'))).toBe(true);
    expect(matches(['total 87'], shownAs('total 88\n'))).toBe(false);
    expect(matches(['total 87'], shownAs('total 87\nmore\n'))).toBe(false);
  });

  it('`...` alone stands for any lines, inside a line for any text on it', () => {
    expect(matches(['...', 'last'], shownAs('one\ntwo\nlast\n'))).toBe(true);
    expect(matches(['...', 'last'], shownAs('last\n'))).toBe(true);
    expect(
      matches(['{"level":30,...,"msg":"store opened"}'], shownAs('{"level":30,"pid":1,"msg":"store opened"}\n')),
    ).toBe(true);
    expect(matches(['{"level":30,...,"msg":"opened"}'], shownAs('{"level":30,"pid":1}\n{"msg":"opened"}\n'))).toBe(
      false,
    );
  });

  it('run-to-run values are compared as placeholders, the rest exactly', () => {
    const shown = ['{"ids":["01M8278AJA88523GCEFMQYEYXZ"],"recorded":1}', 'x-tokenledger-overhead-ms: 1.276'];
    expect(
      matches(shown, shownAs('{"ids":["01KBQ4Z6W3M2Y5XH8R9T0V1N2P"],"recorded":1}\r\nx-tokenledger-overhead-ms: 0.4')),
    ).toBe(true);
    expect(
      matches(shown, shownAs('{"ids":["01KBQ4Z6W3M2Y5XH8R9T0V1N2P"],"recorded":2}\nx-tokenledger-overhead-ms: 0.4')),
    ).toBe(false);
  });
});

describe('librarySnippets', () => {
  it('takes the config block just before a ts block and the text block just after it', () => {
    const markdown = [
      '```yaml',
      '# tokenledger.config.yaml',
      'agents: { a: openai/gpt-4.1-nano }',
      '```',
      '```ts',
      "console.log('hi');",
      '```',
      'It prints:',
      '```text',
      'hi',
      '```',
      '```yaml',
      'store: memory:',
      '```',
      '```ts',
      'const x = 1;',
      '```',
    ].join('\n');
    expect(librarySnippets(markdown)).toEqual([
      {
        line: 5,
        code: "console.log('hi');\n",
        config: '# tokenledger.config.yaml\nagents: { a: openai/gpt-4.1-nano }\n',
        expected: ['hi'],
      },
      { line: 15, code: 'const x = 1;\n' },
    ]);
  });
});

describe('withoutLogLines', () => {
  it("leaves out pino's JSON lines wherever they fall, keeps the rest in order", () => {
    const output = [
      'tokenledger serve: no config file',
      '{"level":30,"time":1,"msg":"store opened"}',
      'tokenledger listening on http://127.0.0.1:8787',
      '',
    ].join('\n');
    expect(withoutLogLines(output)).toBe(
      'tokenledger serve: no config file\ntokenledger listening on http://127.0.0.1:8787\n',
    );
  });
});
