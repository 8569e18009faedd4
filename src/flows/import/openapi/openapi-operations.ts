import { isSchema } from './sample-from-schema';

/**
 * One operation of a dereferenced OpenAPI 3.x or Swagger 2.0 document, in the shape the converter
 * needs — the two versions differ in where servers, bodies and response schemas live, not in meaning.
 */
export interface ApiOperation {
  method: string;
  path: string;
  operationId?: string;
  summary?: string;
  tags: string[];
  parameters: ApiParameter[];
  requestBody?: ApiRequestBody;
  success: ApiSuccess;
}

export interface ApiParameter {
  name: string;
  in: 'path' | 'query' | 'header';
  required: boolean;
  schema: unknown;
  /** The parameter's own `example` / first of `examples` (3.x), which wins over its schema's. */
  example?: unknown;
  description?: string;
}

export interface ApiRequestBody {
  contentType: string;
  schema: unknown;
  example?: unknown;
  required: boolean;
}

/** The documented success: a status code, a 2XX range, or `default` only; the JSON schema of its body if any. */
export interface ApiSuccess {
  status: number | '2XX' | 'default' | undefined;
  jsonSchema?: unknown;
}

export type Doc = Record<string, unknown>;

const METHODS = ['get', 'put', 'post', 'delete', 'options', 'head', 'patch', 'trace'] as const;

export function isSwagger2(doc: Doc): boolean {
  return doc.swagger === '2.0';
}

/** Every operation in document order (paths, then methods in the order they are written). */
export function operationsOf(doc: Doc): ApiOperation[] {
  const paths = isSchema(doc.paths) ? doc.paths : {};
  const swagger2 = isSwagger2(doc);
  const operations: ApiOperation[] = [];
  for (const [path, item] of Object.entries(paths)) {
    if (!isSchema(item)) continue;
    const shared = Array.isArray(item.parameters) ? item.parameters : [];
    for (const [key, op] of Object.entries(item)) {
      const method = key.toLowerCase();
      if (!(METHODS as readonly string[]).includes(method) || !isSchema(op)) continue;
      const own = Array.isArray(op.parameters) ? op.parameters : [];
      const rawParameters = mergeParameters(shared, own);
      operations.push({
        method: method.toUpperCase(),
        path,
        operationId: typeof op.operationId === 'string' ? op.operationId : undefined,
        summary: typeof op.summary === 'string' ? op.summary : typeof op.description === 'string' ? op.description : undefined,
        tags: Array.isArray(op.tags) ? op.tags.filter((t): t is string => typeof t === 'string') : [],
        parameters: rawParameters.flatMap((p) => parameterOf(p, swagger2)),
        requestBody: swagger2 ? swagger2Body(rawParameters, op, doc) : openApi3Body(op.requestBody),
        success: successOf(op.responses, swagger2),
      });
    }
  }
  return operations;
}

/** Operation parameters override path-item ones with the same name and location. */
function mergeParameters(shared: unknown[], own: unknown[]): Doc[] {
  const key = (p: Doc) => `${String(p.in)}:${String(p.name)}`;
  const byKey = new Map<string, Doc>();
  for (const p of [...shared, ...own]) if (isSchema(p)) byKey.set(key(p), p);
  return [...byKey.values()];
}

function parameterOf(p: Doc, swagger2: boolean): ApiParameter[] {
  if (typeof p.name !== 'string' || (p.in !== 'path' && p.in !== 'query' && p.in !== 'header')) return [];
  // Swagger 2 puts type/format/enum/default on the parameter itself.
  const schema = swagger2 ? p : p.schema ?? (isSchema(p.content) ? firstMedia(p.content)?.schema : undefined);
  const examples = isSchema(p.examples) ? Object.values(p.examples).map((e) => (isSchema(e) ? e.value : undefined)) : [];
  return [
    {
      name: p.name,
      in: p.in,
      required: p.in === 'path' || p.required === true,
      schema,
      example: p.example ?? examples.find((e) => e !== undefined) ?? (swagger2 ? p['x-example'] : undefined),
      description: typeof p.description === 'string' ? p.description : undefined,
    },
  ];
}

function openApi3Body(body: unknown): ApiRequestBody | undefined {
  if (!isSchema(body) || !isSchema(body.content)) return undefined;
  const media = preferredMedia(body.content);
  if (!media) return undefined;
  const examples = isSchema(media.value.examples) ? Object.values(media.value.examples).map((e) => (isSchema(e) ? e.value : undefined)) : [];
  return {
    contentType: media.type,
    schema: media.value.schema,
    example: media.value.example ?? examples.find((e) => e !== undefined),
    required: body.required === true,
  };
}

function swagger2Body(parameters: Doc[], op: Doc, doc: Doc): ApiRequestBody | undefined {
  const consumes = [op.consumes, doc.consumes].find(Array.isArray) as unknown[] | undefined;
  const types = (consumes ?? []).filter((t): t is string => typeof t === 'string');
  const body = parameters.find((p) => p.in === 'body');
  if (body) {
    const schema = isSchema(body.schema) ? body.schema : undefined;
    return { contentType: pickJson(types) ?? 'application/json', schema, example: schema?.example, required: body.required === true };
  }
  const form = parameters.filter((p) => p.in === 'formData' && typeof p.name === 'string');
  if (!form.length) return undefined;
  // Form fields become one object schema so the body is built like any other.
  const schema = {
    type: 'object',
    properties: Object.fromEntries(form.map((p) => [p.name as string, p])),
    required: form.filter((p) => p.required === true).map((p) => p.name as string),
  };
  return { contentType: types.find((t) => t === 'multipart/form-data') ?? 'application/x-www-form-urlencoded', schema, required: true };
}

function successOf(responses: unknown, swagger2: boolean): ApiSuccess {
  if (!isSchema(responses)) return { status: undefined };
  const codes = Object.keys(responses);
  const exact = codes.filter((c) => /^2\d\d$/.test(c)).sort()[0];
  const key = exact ?? codes.find((c) => c.toUpperCase() === '2XX') ?? (codes.includes('default') ? 'default' : undefined);
  if (key === undefined) return { status: undefined };
  const response = responses[key];
  const status = exact ? Number(exact) : key === 'default' ? 'default' : '2XX';
  if (!isSchema(response)) return { status };
  if (swagger2) return { status, jsonSchema: response.schema };
  const media = isSchema(response.content) ? jsonMedia(response.content) : undefined;
  return { status, jsonSchema: media?.schema };
}

/** JSON when the operation accepts it (the http step sends JSON natively), else the first media type. */
function preferredMedia(content: Doc): { type: string; value: Doc } | undefined {
  const entries = Object.entries(content).filter((e): e is [string, Doc] => isSchema(e[1]));
  const [type, value] = entries.find(([t]) => isJsonType(t)) ?? entries[0] ?? [];
  return type === undefined ? undefined : { type, value: value! };
}

function jsonMedia(content: Doc): Doc | undefined {
  const entry = Object.entries(content).find(([type, value]) => isJsonType(type) && isSchema(value));
  return entry?.[1] as Doc | undefined;
}

function firstMedia(content: Doc): Doc | undefined {
  const value = Object.values(content)[0];
  return isSchema(value) ? value : undefined;
}

function pickJson(types: string[]): string | undefined {
  return types.find(isJsonType);
}

export function isJsonType(type: string): boolean {
  const base = type.split(';')[0].trim().toLowerCase();
  return base === 'application/json' || base.endsWith('+json');
}
