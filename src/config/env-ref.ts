/**
 * Secret references: a config names the environment variable holding a key (`env:OPENAI_API_KEY`
 * or `${OPENAI_API_KEY}`) rather than the key itself, so config files can be committed and no key
 * travels in an error message.
 *
 * @module
 */

/** A key resolved from the environment, with the reference it came from (safe to show). */
export interface SecretValue {
  /** The reference as written, e.g. `env:OPENAI_API_KEY`; safe to print. */
  ref: string;
  /** The secret itself, or `undefined` when the variable is unset or empty. Never print it. */
  value: string | undefined;
}

const ENV_PREFIX = /^env:([A-Za-z_][A-Za-z0-9_]*)$/;
const ENV_BRACES = /^\$\{([A-Za-z_][A-Za-z0-9_]*)\}$/;

/** The variable name a reference points at, or `undefined` when it is a literal. */
export function envRefName(ref: string): string | undefined {
  return ENV_PREFIX.exec(ref)?.[1] ?? ENV_BRACES.exec(ref)?.[1];
}

/**
 * Resolves a reference against `env`. A literal (not `env:`/`${}`) is accepted as the secret
 * itself, but its `ref` is shown as `(literal)` so it can never be echoed.
 */
export function resolveSecret(ref: string, env: Record<string, string | undefined>): SecretValue {
  const name = envRefName(ref);
  if (name === undefined) return { ref: '(literal)', value: ref === '' ? undefined : ref };
  const value = env[name];
  return { ref: `env:${name}`, value: value === undefined || value === '' ? undefined : value };
}

/** Expands `${NAME}` inside a non-secret string (URLs, header values). Unset names become ''. */
export function expandEnv(text: string, env: Record<string, string | undefined>): string {
  return text.replace(/\$\{([A-Za-z_][A-Za-z0-9_]*)\}/g, (_match, name: string) => env[name] ?? '');
}
