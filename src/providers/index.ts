/**
 * The provider registry (L0, data only): one record per provider and the lookups over them.
 *
 * @module
 */
export {
  canonicalProviderId,
  isLocalHost,
  providerByHost,
  providerIdFromHost,
  providerIdFromUrl,
  providerRecord,
  providerRecords,
} from './registry.js';
export type {
  BodyMarks,
  ClientAdapterKind,
  ProviderClient,
  ProviderEnv,
  ProviderQuirks,
  ProviderRecord,
  StreamUsageBehaviour,
} from './types.js';
