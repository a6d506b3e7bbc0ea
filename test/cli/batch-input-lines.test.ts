/**
 * The batch's line reader (src/cli/batch/input-lines.ts) splits a JSONL file as readline does
 * (`crlfDelay: Infinity`, the reader it replaced): the same lines with the same numbers, blank
 * lines skipped but counted, whatever the line ends and wherever a read chunk ends.
 */
import { createReadStream, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { afterAll, describe, expect, it } from 'vitest';
import { countLines, lines } from '#src/cli/batch/input-lines.js';

const dir = mkdtempSync(join(tmpdir(), 'tl-input-lines-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** A read stream's chunk: the reader sees a file larger than this in several. */
const CHUNK = 64 * 1024;

async function readlineLines(path: string): Promise<{ text: string; lineNumber: number }[]> {
  const out: { text: string; lineNumber: number }[] = [];
  let lineNumber = 0;
  for await (const text of createInterface({ input: createReadStream(path), crlfDelay: Infinity })) {
    lineNumber++;
    if (text.trim() !== '') out.push({ text, lineNumber });
  }
  return out;
}

async function collect(path: string): Promise<{ text: string; lineNumber: number }[]> {
  const out: { text: string; lineNumber: number }[] = [];
  for await (const line of lines(path)) out.push(line);
  return out;
}

describe('batch input lines', () => {
  const cases: Record<string, string> = {
    'mixed line ends, blank and whitespace-only lines': '{"a":1}\r\n\r\n  \n{"b":2}\r{"c":3}\n\n{"d":4}',
    'a final line end': '{"a":1}\n{"b":2}\r\n',
    'a final lone \\r': '{"a":1}\r',
    // The first chunk ends between the \r and the \n of one line end.
    '\\r\\n across a chunk boundary': `${'x'.repeat(CHUNK - 1)}\r\n{"after":1}\n`,
    // The first chunk ends on a lone \r: a line end of its own.
    'a lone \\r at a chunk boundary': `${'x'.repeat(CHUNK - 1)}\r{"after":1}`,
    'a line longer than a chunk': `{"a":1}\n${'y'.repeat(3 * CHUNK)}\n{"b":2}`,
  };
  for (const [name, text] of Object.entries(cases)) {
    it(`${name}: the lines and numbers readline gives, and their count`, async () => {
      const path = join(dir, `${name.replace(/\W+/g, '-')}.jsonl`);
      writeFileSync(path, text);
      const expected = await readlineLines(path);
      expect(await collect(path)).toEqual(expected);
      expect(await countLines(path)).toBe(expected.length);
    });
  }
});
