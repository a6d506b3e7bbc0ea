/**
 * The `model` field of a multipart/form-data request (audio transcriptions and translations,
 * image edits): found by its part header in the raw bytes, without parsing the upload.
 *
 * @module
 */

const BOUNDARY = /boundary=(?:"([^"]+)"|([^;\s]+))/i;
/** A model name is short; a longer field is not one. */
const MAX_MODEL_BYTES = 256;

export function multipartModel(body: Buffer, contentType: string | undefined): string | undefined {
  if (contentType === undefined || !contentType.toLowerCase().startsWith('multipart/form-data')) return undefined;
  const match = BOUNDARY.exec(contentType);
  const boundary = match?.[1] ?? match?.[2];
  if (boundary === undefined) return undefined;
  const header = body.indexOf('name="model"');
  if (header === -1) return undefined;
  const start = body.indexOf('\r\n\r\n', header);
  if (start === -1) return undefined;
  const end = body.indexOf(`\r\n--${boundary}`, start + 4);
  if (end === -1 || end - start - 4 > MAX_MODEL_BYTES) return undefined;
  const value = body.toString('utf8', start + 4, end).trim();
  return value === '' ? undefined : value;
}
