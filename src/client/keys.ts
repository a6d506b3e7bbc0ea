/**
 * Several keys per provider: round-robin, a key refused with 401 is taken out for good, a key
 * at its limit (429) rests until its Retry-After while the others carry on.
 *
 * @module
 */
import { AuthenticationError, ConfigError } from '../errors/index.js';
import type { SecretValue } from '../config/index.js';

/** A key in use; `ref` (e.g. `env:OPENAI_API_KEY#2`) is safe to show, `value` never is. */
export interface KeyLease {
  ref: string;
  value: string;
}

export interface KeyPoolOptions {
  provider: string;
  keys: readonly SecretValue[];
  /** @default Date.now */
  now?: () => number;
}

interface KeyState {
  lease: KeyLease;
  restUntil: number;
  revoked: boolean;
}

export class KeyPool {
  private readonly states: KeyState[];
  private cursor = 0;
  private readonly now: () => number;
  readonly provider: string;

  constructor(options: KeyPoolOptions) {
    this.provider = options.provider;
    this.now = options.now ?? Date.now;
    const usable = options.keys.filter((key): key is SecretValue & { value: string } => key.value !== undefined);
    if (usable.length === 0) {
      const refs = options.keys.map((key) => key.ref).join(', ');
      throw new ConfigError(
        `provider '${options.provider}' has no API key${refs === '' ? '' : `: ${refs} ${options.keys.length > 1 ? 'are' : 'is'} not set`}`,
        { field: `providers.${options.provider}.apiKeys` },
      );
    }
    const seen = new Map<string, number>();
    this.states = usable.map((key) => {
      const count = (seen.get(key.ref) ?? 0) + 1;
      seen.set(key.ref, count);
      return {
        lease: { ref: count > 1 ? `${key.ref}#${count}` : key.ref, value: key.value },
        restUntil: 0,
        revoked: false,
      };
    });
  }

  /** Every key value, for redaction. */
  secrets(): string[] {
    return this.states.map((state) => state.lease.value);
  }

  /** The next key in rotation: a rested one if any, else the one that rests the shortest. */
  next(): KeyLease {
    const now = this.now();
    const live = this.states.filter((state) => !state.revoked);
    if (live.length === 0) {
      throw new AuthenticationError(`every API key of provider '${this.provider}' was refused (401)`, {
        status: 401,
        retryable: false,
      });
    }
    for (let step = 0; step < this.states.length; step++) {
      const state = this.states[(this.cursor + step) % this.states.length] as KeyState;
      if (!state.revoked && state.restUntil <= now) {
        this.cursor = (this.cursor + step + 1) % this.states.length;
        return state.lease;
      }
    }
    let best = live[0] as KeyState;
    for (const state of live) if (state.restUntil < best.restUntil) best = state;
    return best.lease;
  }

  /** The key was refused (401): never use it again. */
  revoke(lease: KeyLease): void {
    const state = this.states.find((item) => item.lease === lease);
    if (state !== undefined) state.revoked = true;
  }

  /** The key hit its limit: rest it for `ms`. */
  rest(lease: KeyLease, ms: number): void {
    const state = this.states.find((item) => item.lease === lease);
    if (state !== undefined) state.restUntil = Math.max(state.restUntil, this.now() + ms);
  }

  /** Keys still usable. */
  get liveCount(): number {
    return this.states.filter((state) => !state.revoked).length;
  }

  /** True when another key than `lease` could be tried now. */
  hasAlternative(lease: KeyLease): boolean {
    return this.states.some((state) => state.lease !== lease && !state.revoked);
  }
}
