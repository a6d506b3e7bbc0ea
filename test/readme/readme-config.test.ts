/**
 * Every ```yaml block of the README is a tokenledger config (a whole file or a part of one)
 * that the config parser accepts as written, with the variables it references (`env:NAME`)
 * set. The parser refuses unknown keys and bad values, so a renamed or mistyped setting in the
 * README fails here. The snippets' own configs also run, in readme-tour.test.ts.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { parse } from 'yaml';
import { describe, expect, it } from 'vitest';
import { parseConfig } from '#src/config/index.js';
import { fencedBlocks } from './readme-blocks.js';

const README = readFileSync(path.join(import.meta.dirname, '..', '..', 'README.md'), 'utf8');
const YAML_BLOCKS = fencedBlocks(README).filter((block) => block.language === 'yaml');

/** The environment a reader would have set: a value for every `env:NAME` the text names. */
function referencedEnv(text: string): Record<string, string> {
  return Object.fromEntries(
    [...text.matchAll(/env:([A-Za-z_][A-Za-z0-9_]*)/g)].map(([, name]) => [name, `set-${name}`]),
  );
}

describe('README config blocks', () => {
  it('there are config blocks to check', () => {
    expect(YAML_BLOCKS.length).toBeGreaterThanOrEqual(5);
  });

  it.each(YAML_BLOCKS.map((block) => ({ ...block, text: block.body.join('\n') })))(
    'the yaml block at README line $line parses as a config',
    ({ line, text }) => {
      expect(() => parseConfig(parse(text), `README line ${line}`, referencedEnv(text))).not.toThrow();
    },
  );

  it('a mistyped key in a README block would fail', () => {
    const budgets = YAML_BLOCKS.find((block) => block.body.some((row) => row.startsWith('budgets:')));
    const text = (budgets?.body ?? []).join('\n').replace('window: day', 'window: dya');
    expect(() => parseConfig(parse(text), 'README', referencedEnv(text))).toThrow(/window/);
  });
});
