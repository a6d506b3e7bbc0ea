/**
 * `tokenledger serve [--port 8787] [--host 127.0.0.1] [--db URL] [--config FILE] [--insecure-open]`:
 * the analytics API, ingest, the metering gateway, /metrics and the dashboard over one ledger.
 * Flags win over the config file, which wins over TOKENLEDGER_* variables; it says which
 * source won. Prints its URL; SIGINT/SIGTERM drain in-flight requests, flush the ledger and
 * close the store.
 *
 * @module
 */
import path from 'node:path';
import type { Command } from 'commander';
import { TokenledgerError } from '../../errors/index.js';
import { DEFAULT_PORT, startServer } from '../../server/index.js';
import { packageDir } from '../package-root.js';
import { describeSettingSources } from './serve-settings.js';

interface ServeOptions {
  port?: string;
  host?: string;
  insecureOpen?: boolean;
  db?: string;
  config?: string;
  dashboard?: string;
}

function fail(message: string): never {
  process.stderr.write(`tokenledger serve: ${message}\n`);
  process.exit(1);
}

/** The package's built dashboard (web/dist beside its package.json). */
function packageDashboardDir(): string {
  return path.join(packageDir() ?? '.', 'web', 'dist');
}

export function registerServeCommand(program: Command): void {
  program
    .command('serve')
    .description('Run the analytics API, ingest endpoint, metering gateway, /metrics and dashboard')
    .option(
      '--port <port>',
      `port to listen on, 0 for any free one (default: server.port, TOKENLEDGER_PORT, ${DEFAULT_PORT})`,
    )
    .option(
      '--host <host>',
      'interface to bind (default: server.host, TOKENLEDGER_HOST, 127.0.0.1; forced to 127.0.0.1 while no key is configured)',
    )
    .option(
      '--insecure-open',
      'beyond loopback, serve route groups that have no key configured instead of refusing them (logged)',
    )
    .option(
      '--db <url>',
      'store: sqlite:PATH, postgres://..., memory: (default: config store, TOKENLEDGER_DB, sqlite:./tokenledger.db)',
    )
    .option('--config <file>', 'config file (default: tokenledger.config.{json,yaml,yml} here)')
    .option('--dashboard <dir>', 'built dashboard folder (default: web/dist of the package)')
    .action(async (options: ServeOptions) => {
      const port = options.port === undefined ? undefined : Number(options.port);
      if (options.port !== undefined && (!/^\d+$/.test(options.port) || Number(options.port) > 65535))
        fail(`--port must be an integer from 0 to 65535, got "${options.port}"`);
      let running: Awaited<ReturnType<typeof startServer>>;
      try {
        running = await startServer({
          port,
          host: options.host,
          insecureOpen: options.insecureOpen === true,
          db: options.db,
          configPath: options.config,
          dashboardDir: options.dashboard ?? packageDashboardDir(),
        });
      } catch (error) {
        const message =
          TokenledgerError.isInstance(error) ||
          (error instanceof Error && 'code' in error && error.code === 'EADDRINUSE')
            ? error.message
            : `could not start: ${error instanceof Error ? error.message : String(error)}`;
        fail(message);
      }
      process.stderr.write(`tokenledger serve: ${describeSettingSources(running.settings)}\n`);
      if (running.loopbackOnly) {
        process.stderr.write(
          `tokenledger serve: no keys configured, so listening on 127.0.0.1 only (not ${running.requestedHost}); set keys (server.adminKey, TOKENLEDGER_ADMIN_KEY...) or pass --insecure-open to listen elsewhere\n`,
        );
      } else if (!running.app.keysConfigured && running.openRoutes.length === 0) {
        process.stderr.write('tokenledger serve: no keys configured; listening on loopback only\n');
      }
      if (running.openRoutes.length > 0) {
        process.stderr.write(
          `tokenledger serve: --insecure-open: ${running.openRoutes.join(', ')} served without a key on ${running.host}\n`,
        );
      }
      process.stdout.write(`tokenledger listening on ${running.url}\n`);
      let stopping = false;
      const stop = (signal: string): void => {
        if (stopping) return;
        stopping = true;
        process.stderr.write(`tokenledger serve: ${signal}: draining, flushing the ledger\n`);
        running.close().then(
          () => process.exit(0),
          (error: unknown) => {
            process.stderr.write(
              `tokenledger serve: shutdown failed: ${error instanceof Error ? error.message : String(error)}\n`,
            );
            process.exit(1);
          },
        );
      };
      process.on('SIGINT', () => stop('SIGINT'));
      process.on('SIGTERM', () => stop('SIGTERM'));
    });
}
