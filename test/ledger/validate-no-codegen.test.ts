/**
 * Validation writes each object rule's field checks out once with `new Function` (validate.ts,
 * compileFieldsCheck). A process run with --disallow-code-generation-from-strings refuses that:
 * the ledger must still validate, accept and refuse as it does elsewhere, or it would record
 * nothing. Checked in a child process run with the flag.
 */
import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';

const run = promisify(execFile);
const ledgerIndex = fileURLToPath(new URL('../../src/ledger/index.ts', import.meta.url));

const script = `
import { validateRecordInput } from ${JSON.stringify(ledgerIndex)};
const ok = validateRecordInput({ provider: 'openai', model: 'gpt-4o', agent: 'a', run: 'r', usage: { inputTokens: 3, outputTokens: 2 } });
let refused = '';
try { validateRecordInput({ provider: 'openai', model: 'gpt-4o', durationMs: -1 }); } catch (error) { refused = error.message; }
let codeGeneration = 'allowed';
try { new Function('return 1'); } catch (error) { codeGeneration = error.name; }
console.log(JSON.stringify({ model: ok.model, agent: ok.agent, run: ok.run, refused, codeGeneration }));
`;

describe('validation without code generation from strings', () => {
  it('accepts and refuses as it does with it', async () => {
    const { stdout } = await run(
      process.execPath,
      ['--disallow-code-generation-from-strings', '--import', 'tsx', '--input-type=module', '-e', script],
      { timeout: 30_000 },
    );
    expect(JSON.parse(stdout.trim())).toEqual({
      model: 'gpt-4o',
      agent: 'a',
      run: 'r',
      refused: 'durationMs: must be a number of milliseconds from 0 to 2592000000',
      codeGeneration: 'EvalError',
    });
  }, 40_000);
});
