import type { RequestHandler } from 'express';
import { text } from 'express';

/** Route of the OpenAPI import, under the API prefix. */
export const OPENAPI_IMPORT_ROUTE = 'teams/:teamId/flows/import/openapi';

/** Content types the OpenAPI import reads as text (JSON is parsed as YAML 1.2, which includes it). */
export const OPENAPI_IMPORT_MEDIA_TYPES = ['application/json', 'application/yaml', 'application/x-yaml', 'text/yaml', 'text/plain'];

/**
 * The document arrives raw, up to 5 MB (real-world API descriptions exceed the 2 MB the JSON parser
 * allows elsewhere). Mounted before the app-wide parsers, which then leave the already-read body alone.
 */
export function openApiImportBodyParser(): RequestHandler {
  return text({ type: OPENAPI_IMPORT_MEDIA_TYPES, limit: '5mb' });
}
