/**
 * The README's runnable blocks, and the rules by which a real output is compared with what the
 * README shows.
 *
 * Transcripts: ```console blocks (and bare ``` blocks that start with a `$ ` prompt), read as
 * commands and the output shown under each.
 * Library snippets: ```ts blocks; the config they read is the ```yaml block just before one when
 * that block starts with `# tokenledger.config.yaml`, and what they print the ```text block just
 * after one (prose between them is fine).
 *
 * A command is a line starting with `$ `, continued on the next lines while a line ends with
 * `\`. Its expected output is every line after it up to the next command or the block's end.
 * Comparison:
 * - a line that is `...` stands for any number of lines (the README says "trimmed" there), and
 *   `...` inside a line for any text on that line;
 * - the parts that change from run to run are replaced by a placeholder on both sides first
 *   (VOLATILE below: event ids, durations, the server's uptime, the price data's age): the README
 *   shows the real values of one run, the test compares everything around them;
 * - an output that does not end with a newline (a JSON answer of curl) is compared as if it did:
 *   the README puts the next prompt on its own line; CRLF (HTTP headers) reads as a line end,
 *   as on a terminal;
 * - a command that starts a server is compared without its JSON log lines (withoutLogLines).
 *
 * @module
 */

export interface ConsoleStep {
  /** The command as typed, continuation lines included (without the `$ `). */
  command: string;
  /** The lines shown under it. */
  expected: string[];
}

export interface ConsoleBlock {
  /** 1-based line of the opening fence in the README. */
  line: number;
  steps: ConsoleStep[];
}

export interface FencedBlock {
  /** 1-based line of the opening fence. */
  line: number;
  /** The fence's info string (`console`, `ts`...), '' for a bare fence. */
  language: string;
  body: string[];
}

const FENCE = /^```(\S*)\s*$/;

/** Every fenced block of `markdown`, in order. */
export function fencedBlocks(markdown: string): FencedBlock[] {
  const lines = markdown.split('\n');
  const blocks: FencedBlock[] = [];
  for (let index = 0; index < lines.length; index++) {
    const fence = FENCE.exec(lines[index] ?? '');
    if (fence === null) continue;
    const line = index + 1;
    const body: string[] = [];
    for (index++; index < lines.length && !FENCE.test(lines[index] ?? ''); index++) body.push(lines[index] ?? '');
    blocks.push({ line, language: fence[1] ?? '', body });
  }
  return blocks;
}

/** Every transcript block of `markdown`, in order. */
export function consoleBlocks(markdown: string): ConsoleBlock[] {
  return fencedBlocks(markdown)
    .filter(({ language, body }) => language === 'console' || (language === '' && body[0]?.startsWith('$ ') === true))
    .map(({ line, body }) => ({ line, steps: stepsOf(body) }));
}

export interface LibrarySnippet {
  line: number;
  code: string;
  /** The tokenledger.config.yaml it reads, when the README gives one. */
  config?: string;
  /** What it prints, when the README shows it. */
  expected?: string[];
}

const CONFIG_MARK = '# tokenledger.config.yaml';

/** Every ```LANGUAGE block of `markdown` (ts by default), with its config and its output where the README has them. */
export function librarySnippets(markdown: string, language = 'ts'): LibrarySnippet[] {
  const blocks = fencedBlocks(markdown);
  return blocks.flatMap((block, index) => {
    if (block.language !== language) return [];
    const before = blocks[index - 1];
    const after = blocks[index + 1];
    const snippet: LibrarySnippet = { line: block.line, code: `${block.body.join('\n')}\n` };
    if (before?.language === 'yaml' && before.body[0] === CONFIG_MARK) snippet.config = `${before.body.join('\n')}\n`;
    if (after?.language === 'text') snippet.expected = after.body;
    return [snippet];
  });
}

function stepsOf(body: string[]): ConsoleStep[] {
  const steps: ConsoleStep[] = [];
  let continued = false;
  for (const line of body) {
    const step = steps.at(-1);
    if (continued && step !== undefined) step.command += `\n${line}`;
    else if (line.startsWith('$ ')) steps.push({ command: line.slice(2), expected: [] });
    else if (step !== undefined) step.expected.push(line);
    else throw new Error(`README transcript: output before any command: ${line}`);
    continued = (continued || line.startsWith('$ ')) && line.endsWith('\\');
  }
  return steps;
}

/** What changes from one run to the next, and the placeholder both sides get for it. */
export const VOLATILE: ReadonlyArray<readonly [RegExp, string]> = [
  // Event ids (ULIDs) in ingest answers and headers.
  [/\b0[0-9A-HJKMNP-TV-Z]{25}\b/g, '<id>'],
  // Times measured on this run.
  [/(x-tokenledger-overhead-ms: )\d+(?:\.\d+)?/g, '$1<ms>'],
  [/("timeToFirstTokenMs": ?)\d+(?:\.\d+)?/g, '$1<ms>'],
  [/(Total Analysis Time: )\d+(?:\.\d+)?s/g, '$1<s>'],
  [/("uptimeS": ?)\d+/g, '$1<s>'],
  // When a health condition was raised: the time of the run.
  [/("since": ?")[^"]+"/g, '$1<time>"'],
  // The bundled price data's age counts from today.
  [/\(\d+ days old\)/g, '(<n> days old)'],
];

/** `text` with every volatile part replaced by its placeholder. */
export function normalised(text: string): string {
  return VOLATILE.reduce((out, [pattern, placeholder]) => out.replace(pattern, placeholder), text);
}

/**
 * A server's output without its log (pino's JSON lines): the README shows what `serve` itself
 * says, and where the log's lines fall among those varies (the SQLite store logs from its
 * worker thread, before or after "listening on").
 */
export function withoutLogLines(output: string): string {
  return output
    .split('\n')
    .filter((line) => !line.startsWith('{"level":'))
    .join('\n');
}

/** The expected lines as one text, as the command would print it. */
export function expectedText(expected: string[]): string {
  return expected.length === 0 ? '' : `${expected.join('\n')}\n`;
}

/** A real output as the README shows it: volatile parts replaced, ending with a newline. */
export function shownAs(output: string): string {
  const lines = output.replaceAll('\r\n', '\n');
  const text = lines === '' || lines.endsWith('\n') ? lines : `${lines}\n`;
  return normalised(text);
}

const escapeRegExp = (text: string): string => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/**
 * A real output beside what the README shows, as two texts that are equal when they agree:
 * `real` through shownAs, `shown` the same text where `expected` matches it (its `...` and
 * placeholders included), else the expected lines, so that a test failure shows the difference.
 */
export function compared(expected: string[], output: string): { shown: string; real: string } {
  const real = shownAs(output);
  return { shown: matches(expected, real) ? real : normalised(expectedText(expected)), real };
}

/** True when `output` (already through shownAs) is what `expected` shows, `...` trimming included. */
export function matches(expected: string[], output: string): boolean {
  const pattern = expected
    .map((line) =>
      line === '...' ? '(?:[^\\n]*\\n)*?' : `${normalised(line).split('...').map(escapeRegExp).join('[^\\n]*?')}\\n`,
    )
    .join('');
  return new RegExp(`^${pattern}$`).test(output);
}
