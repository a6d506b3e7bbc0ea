/**
 * The Node built-ins that Node itself has not loaded at start-up, each loaded on its first use.
 * `node:https` alone (TLS, the crypto internals) costs more than the rest of `import
 * 'tokenledger'` together on a slow machine, and with `node:http`, `node:zlib`,
 * `node:worker_threads`, `node:fs/promises` (which brings readline along) and `node:crypto` they
 * came to some 40 ms of CPU for a process that may use none of them: the client reaches them on
 * its first call, the ledger on its first event id, the SQLite store in its worker, the config
 * loader when it reads a file. Built-ins `node -e 0` already has (fs, path, url, events) are
 * imported as usual.
 *
 * @module
 */
import type * as Crypto from 'node:crypto';
import type * as FsPromises from 'node:fs/promises';
import type * as Http from 'node:http';
import type * as Https from 'node:https';
import type * as Os from 'node:os';
import type * as TimersPromises from 'node:timers/promises';
import type * as WorkerThreads from 'node:worker_threads';
import type * as Zlib from 'node:zlib';
import { onFirstUse } from './on-first-use.js';

export const loadHttp: () => typeof Http = onFirstUse('node:http');
export const loadHttps: () => typeof Https = onFirstUse('node:https');
export const loadZlib: () => typeof Zlib = onFirstUse('node:zlib');
export const loadWorkerThreads: () => typeof WorkerThreads = onFirstUse('node:worker_threads');
export const loadFsPromises: () => typeof FsPromises = onFirstUse('node:fs/promises');
export const loadTimersPromises: () => typeof TimersPromises = onFirstUse('node:timers/promises');
export const loadCrypto: () => typeof Crypto = onFirstUse('node:crypto');
export const loadOs: () => typeof Os = onFirstUse('node:os');
