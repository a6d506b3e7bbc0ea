/**
 * Runs the mock provider as its own process, for examples and benches:
 *
 *   npx tsx test/helpers/mock-provider-main.ts [--port 18080] [--latency-ms 0] [--chunk-gap-ms 0]
 *
 * Prints its URL (one line on stdout) once listening; stops on SIGINT/SIGTERM.
 *
 * @module
 */
import { parseArgs } from 'node:util';
import { startMockProvider } from './mock-provider.js';

const { values } = parseArgs({
  options: {
    port: { type: 'string', default: process.env['PORT'] ?? '0' },
    'latency-ms': { type: 'string', default: process.env['MOCK_LATENCY_MS'] ?? '0' },
    'chunk-gap-ms': { type: 'string', default: process.env['MOCK_CHUNK_GAP_MS'] ?? '0' },
  },
});

const number = (name: string, text: string): number => {
  const value = Number(text);
  if (!Number.isInteger(value) || value < 0) {
    process.stderr.write(`mock-provider: --${name} must be a non-negative integer, got "${text}"\n`);
    process.exit(1);
  }
  return value;
};

const mock = await startMockProvider({
  port: number('port', values.port),
  latencyMs: number('latency-ms', values['latency-ms']),
  chunkGapMs: number('chunk-gap-ms', values['chunk-gap-ms']),
  maxLoggedRequests: 100,
});
process.stdout.write(`${mock.url}\n`);
const stop = (): void => {
  void mock.close().then(() => process.exit(0));
};
process.on('SIGINT', stop);
process.on('SIGTERM', stop);
