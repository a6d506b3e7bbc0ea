export {
  HEAVY_PACKAGES,
  loadZod,
  loadPriceCatalog,
  loadSqlite,
  loadPg,
  loadIoredis,
  loadTokenizer,
} from './heavy-modules.js';
