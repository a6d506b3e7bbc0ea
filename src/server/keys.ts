/**
 * The server's keys by role, resolved once at start. A configured reference whose variable is
 * unset is a config error (an `adminKey: env:X` with X unset would otherwise leave reset open).
 *
 * | role | may |
 * | --- | --- |
 * | admin | everything below, and reset |
 * | read | analytics reads, event export, `/metrics` |
 * | ingest | `POST /v1/usage` |
 * | gateway | the gateway, for the providers each key names |
 *
 * @module
 */
import { envRefName, type SecretValue, type ServerConfig } from '../config/index.js';
import { ConfigError } from '../errors/index.js';
import type { GatewayKey } from './gateway/types.js';

export interface ServerKeys {
  admin: string[];
  /** Each admin key's id, in `admin`'s order: its variable's name (never the key), for audits. */
  adminIds: string[];
  /** Read keys, and the admin keys (which may read too). */
  read: string[];
  /** Ingest keys, and the admin keys. */
  ingest: string[];
  gateway: GatewayKey[];
  /** True when any key is configured. */
  any: boolean;
}

function required(secret: SecretValue, field: string): string {
  if (secret.value === undefined)
    throw new ConfigError(`${field}: ${secret.ref} is not set (unset the reference or set the variable)`, { field });
  return secret.value;
}

function optional(secret: SecretValue | undefined, field: string): string[] {
  return secret === undefined ? [] : [required(secret, field)];
}

/** A key's id: the variable it is read from, or the config field for a literal. */
function keyId(ref: string | undefined, field: string): string {
  return (ref === undefined ? undefined : envRefName(ref)) ?? field;
}

export function resolveServerKeys(server: ServerConfig): ServerKeys {
  const admin = optional(server.adminKey, 'server.adminKey');
  const read = optional(server.readKey, 'server.readKey');
  const ingest = optional(server.ingestKey, 'server.ingestKey');
  const gateway = server.gatewayKeys.map((entry, index): GatewayKey => {
    const field = `server.gatewayKeys.${index}`;
    return {
      key: required(entry.key, `${field}.key`),
      // The variable's name (never the key): budgets scope by it.
      name: envRefName(entry.key.ref) ?? `gatewayKeys.${index}`,
      providers: entry.providers,
      upstreamKey: entry.upstreamKey === undefined ? undefined : required(entry.upstreamKey, `${field}.upstreamKey`),
      attribution:
        entry.agent === undefined && entry.run === undefined && entry.tags === undefined
          ? undefined
          : { agent: entry.agent, run: entry.run, tags: entry.tags },
    };
  });
  return {
    admin,
    adminIds: admin.map(() => keyId(server.adminKey?.ref, 'server.adminKey')),
    read: [...read, ...admin],
    ingest: [...ingest, ...admin],
    gateway,
    any: admin.length + read.length + ingest.length + gateway.length > 0,
  };
}
