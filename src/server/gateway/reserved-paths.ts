/**
 * tokenledger's own paths under `/v1/`: served by the server itself (app.ts), never passed
 * through to a provider, whatever the method. Every other `/v1/...` path with no dedicated
 * gateway route goes to the OpenAI-style upstream (routes.ts). `/analytics`, `/metrics`,
 * `/healthz`, `/openapi.json` and the dashboard are outside `/v1/` and so never forwarded.
 * `/v1/metrics` and `/v1/logs` are OTLP's paths: reserved before they are served, so that a
 * collector pointed here never sends its data to a provider.
 *
 * @module
 */

export const RESERVED_V1_PATHS: readonly string[] = [
  '/v1/usage',
  '/v1/dead-letters',
  '/v1/budgets',
  '/v1/traces',
  '/v1/metrics',
  '/v1/logs',
];

/** True for a reserved path or any path below one (`/v1/usage/batch`). */
export function isReservedPath(pathname: string): boolean {
  for (const prefix of RESERVED_V1_PATHS) {
    if (pathname.startsWith(prefix) && (pathname.length === prefix.length || pathname[prefix.length] === '/'))
      return true;
  }
  return false;
}
