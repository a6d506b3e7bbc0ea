export {
  HEAVY_PACKAGES,
  loadZod,
  loadPriceCatalog,
  loadSqlite,
  loadPg,
  loadIoredis,
  loadTokenizer,
  loadUlid,
  loadEventsourceParser,
} from './heavy-modules.js';
export {
  loadHttp,
  loadHttps,
  loadZlib,
  loadWorkerThreads,
  loadFsPromises,
  loadTimersPromises,
  loadOs,
  loadCrypto,
} from './builtins.js';
