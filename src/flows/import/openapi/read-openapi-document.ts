import SwaggerParser from '@apidevtools/swagger-parser';
import { parse as parseYaml } from 'yaml';
import { AppException } from '../../../common/errors/app.exception';
import { type FlowProblem, invalidFlow, pointerOf, problem } from '../../../flow-language/flow-problem';
import type { Doc } from './openapi-operations';
import { isSchema } from './sample-from-schema';

const NOT_OPENAPI = 'not an OpenAPI 3.x or Swagger 2.0 document (no "openapi: 3.x" or "swagger: \\"2.0\\"" at the top level)';
/** External references are refused: a tenant-supplied document must not make the service read files or fetch URLs. */
const PARSER_OPTIONS = {
  resolve: { external: false, file: false, http: false },
  dereference: { circular: true as const },
};
const MAX_REPORTED = 20;

/**
 * The request body (OpenAPI document as JSON or YAML text, or an already parsed object) parsed,
 * checked for its version and dereferenced (internal `#/...` references only).
 * Any problem is a 400 whose problems point into the document (`document/paths/~1orders/get`).
 */
export async function readOpenApiDocument(body: unknown): Promise<Doc> {
  const doc = parseBody(body);
  const external = externalReferences(doc);
  if (external.length) {
    throw invalidFlow(
      external.slice(0, MAX_REPORTED).map((r) => problem(`/document${r.pointer}`, `$ref "${r.ref}" points outside the document; only internal references (#/...) are resolved — inline or bundle it first`)),
      'OpenAPI document',
    );
  }
  if (!(typeof doc.openapi === 'string' && doc.openapi.startsWith('3.')) && doc.swagger !== '2.0') throw invalidFlow([problem('/document', NOT_OPENAPI)], 'OpenAPI document');
  try {
    // Dereference, not validate: real documents (this service's own /docs-json among them) carry small
    // schema deviations such as 3.1's `examples` in a 3.0 schema, which strict validation refuses though
    // nothing in the conversion depends on them. Dangling references still fail here.
    // The parser dereferences in place; the copy keeps the caller's object untouched.
    return (await new SwaggerParser().dereference(structuredClone(doc) as never, PARSER_OPTIONS as never)) as unknown as Doc;
  } catch (error) {
    throw invalidFlow(parserProblems(error), 'OpenAPI document');
  }
}

function parseBody(body: unknown): Doc {
  let value: unknown = body;
  if (typeof body === 'string') {
    if (!body.trim()) throw emptyBody();
    try {
      // YAML 1.2 reads JSON too. Aliases are bounded so a small document cannot expand to gigabytes.
      value = parseYaml(body, { maxAliasCount: 100 });
    } catch (error) {
      throw invalidFlow([problem('/document', `neither JSON nor YAML: ${(error as Error).message.split('\n')[0]}`)], 'OpenAPI document');
    }
  } else if (body === undefined || (isSchema(body) && !Object.keys(body).length)) {
    throw emptyBody();
  }
  if (!isSchema(value)) throw invalidFlow([problem('/document', NOT_OPENAPI)], 'OpenAPI document');
  return value;
}

function emptyBody(): AppException {
  return invalidFlow(
    [problem('/document', 'the body is empty: send the OpenAPI document itself, as JSON (application/json) or YAML (application/yaml, text/yaml, text/plain)')],
    'OpenAPI document',
  );
}

/** Every `$ref` that does not start with `#`, with the pointer of the object holding it. */
export function externalReferences(doc: unknown): Array<{ pointer: string; ref: string }> {
  const found: Array<{ pointer: string; ref: string }> = [];
  const seen = new Set<object>();
  const stack: Array<{ value: unknown; pointer: string }> = [{ value: doc, pointer: '' }];
  while (stack.length) {
    const { value, pointer } = stack.pop()!;
    if (value === null || typeof value !== 'object' || seen.has(value)) continue;
    seen.add(value);
    const entries = Array.isArray(value) ? value.map((v, i) => [String(i), v] as const) : Object.entries(value);
    for (const [key, child] of entries) {
      if (key === '$ref' && typeof child === 'string' && !child.startsWith('#')) found.push({ pointer, ref: child });
      else stack.push({ value: child, pointer: pointerOf(pointer, key) });
    }
  }
  return found.sort((a, b) => a.pointer.localeCompare(b.pointer));
}

/** Schema errors (Ajv, with instance paths) one problem each; anything else the parser says as one problem. */
function parserProblems(error: unknown): FlowProblem[] {
  const details = (error as { details?: unknown }).details;
  if (Array.isArray(details) && details.length) {
    const problems = details.slice(0, MAX_REPORTED).map((d: { instancePath?: string; message?: string; params?: Record<string, unknown> }) => {
      const extra = d.params && typeof d.params.additionalProperty === 'string' ? ` ("${d.params.additionalProperty}")` : '';
      return problem(`/document${d.instancePath ?? ''}`, `${d.message ?? 'is invalid'}${extra}`);
    });
    return dedupe(problems);
  }
  const message = error instanceof Error ? error.message : String(error);
  return [problem('/document', message.split('\n').slice(0, 3).join(' ').trim() || 'is not a valid OpenAPI document')];
}

function dedupe(problems: FlowProblem[]): FlowProblem[] {
  const seen = new Set<string>();
  return problems.filter((p) => !seen.has(p.pointer + p.message) && !!seen.add(p.pointer + p.message));
}
