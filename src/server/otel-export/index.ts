/**
 * Optional export of tokenledger's own calls to an OpenTelemetry collector (`otel:` in the
 * config). The OTel SDK is loaded here, on demand, only when an export is configured.
 *
 * @module
 */
import type { OtelExportConfig } from '../../config/index.js';
import type { OtelExport } from './otel-export.js';

export type { OtelExport } from './otel-export.js';

export async function startOtelExport(config: OtelExportConfig): Promise<OtelExport> {
  const { createSdkExport } = await import('./sdk-export.js');
  return createSdkExport(config);
}
