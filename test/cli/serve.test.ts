import { describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const MAIN = fileURLToPath(new URL('../../src/cli/main.ts', import.meta.url));
const run = (args: string[]) =>
  spawnSync(process.execPath, ['--import', 'tsx', MAIN, 'serve', ...args], { encoding: 'utf8', timeout: 30_000 });

describe('tokenledger serve: bad input', () => {
  it.each([
    [['--port', 'abc'], /--port must be an integer/],
    [['--port', '70000'], /--port must be an integer/],
    [['--db', 'mysql://x', '--port', '0'], /unknown store URL scheme/],
    [['--config', '/nonexistent/tokenledger.config.json', '--port', '0'], /config file not found/],
  ])('%j: one line on stderr, exit 1', (args, message) => {
    const result = run(args);
    expect(result.status).toBe(1);
    expect(result.stderr).toMatch(message);
    expect(result.stderr.trim().split('\n')).toHaveLength(1);
    expect(result.stderr).not.toMatch(/\n\s+at /);
  });
});
