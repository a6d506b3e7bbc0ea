/**
 * Issue 11 item 6: a long `import` is not silent. On a terminal one line is redrawn in place;
 * elsewhere (logs, CI) plain lines, never a `\r`.
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { runCli } from './run-cli.js';

const dir = mkdtempSync(join(tmpdir(), 'tl-import-progress-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const event = JSON.stringify({ provider: 'openai', model: 'gpt-4o', usage: { inputTokens: 10, outputTokens: 5 } });
const input = join(dir, 'events.ndjson');
writeFileSync(input, `${Array.from({ length: 30 }, () => event).join('\n')}\n`);

describe('import progress', () => {
  it('off a terminal: plain lines after each batch (--progress-every 0), no carriage return', async () => {
    const db = `sqlite:${join(dir, 'plain.db')}`;
    const result = await runCli(['import', input, '--db', db, '--batch', '10', '--progress-every', '0']);
    expect(result.code).toBe(0);
    expect(result.stdout).toBe('recorded 30, duplicates 0, rejected 0\n');
    expect(result.stderr).not.toContain('\r');
    const lines = result.stderr.trimEnd().split('\n');
    expect(lines.map((line) => line.replace(/ \| [\d,]+ lines\/s$/, ''))).toEqual([
      '10 lines read, 10 recorded, 0 duplicates, 0 rejected',
      '20 lines read, 20 recorded, 0 duplicates, 0 rejected',
      '30 lines read, 30 recorded, 0 duplicates, 0 rejected',
      // The end of the input (nothing left to store), then the last state once more.
      '30 lines read, 30 recorded, 0 duplicates, 0 rejected',
      '30 lines read, 30 recorded, 0 duplicates, 0 rejected',
    ]);
  });

  it('on a terminal: one line redrawn in place, ended with a newline', async () => {
    const main = fileURLToPath(new URL('../../src/cli/main.ts', import.meta.url));
    const tsx = import.meta.resolve('tsx');
    const db = `sqlite:${join(dir, 'tty.db')}`;
    // script(1) gives the command a pseudo-terminal; its output is what the terminal showed.
    const command = `'${process.execPath}' --import '${tsx}' '${main}' import '${input}' --db '${db}' --batch 10`;
    const shown = await new Promise<string>((resolve, reject) =>
      execFile('script', ['-qec', command, '/dev/null'], (error, stdout) =>
        error === null ? resolve(stdout) : reject(error),
      ),
    );
    const eraseToEnd = '\u001b[K';
    expect(shown).toMatch(/\r30 lines read, 30 recorded, 0 duplicates, 0 rejected \| [\d,]+ lines\/s/);
    expect(shown).toContain(eraseToEnd);
    expect(shown).toContain('recorded 30, duplicates 0, rejected 0');
  });
});
