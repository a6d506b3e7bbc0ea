/**
 * The analytics bench's server, in a process of its own: `tsx bench/analytics-server.ts DB DIST`
 * starts the real server over the ledger with the built dashboard and prints its URL. Apart, so
 * the bench can kill it when a query runs past the bench's limit (SQLite cannot be interrupted
 * from outside the process), and so its work is not the bench's.
 *
 * @module
 */
import { pino } from 'pino';
import { parseConfig } from '../src/config/index.js';
import { startServer } from '../src/server/index.js';

const [db, dashboardDir] = process.argv.slice(2);
if (db === undefined || dashboardDir === undefined) throw new Error('usage: analytics-server.ts DB DASHBOARD_DIR');
const server = await startServer({
  port: 0,
  db,
  config: parseConfig({}, 'inline', {}),
  env: {},
  dashboardDir,
  logger: pino({ level: 'silent' }),
});
console.log(`listening on ${server.url}`);
