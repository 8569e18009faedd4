import type { AssertionDefinition, StepDefinition, VariableDeclaration, VariableType } from '../../flow-definition';
import { FLOW_LIMITS, RESERVED_ROOTS } from '../../flow-limits';
import { formatValuePath } from '../../../flow-language/substitution/value-path';
import { type ApiOperation, type ApiParameter, type Doc, isJsonType, isSwagger2, operationsOf } from './openapi-operations';
import { documentedValue, isSchema, sampleFromSchema, schemaType } from './sample-from-schema';

export type OpenApiGroupBy = 'operation' | 'tag';

export interface OpenApiImportOptions {
  groupBy: OpenApiGroupBy;
  /** Name of the flow variable every step's URL starts with. */
  baseUrlVariable: string;
}

/** A flow as the import creates it: the body of a flow create (step ids are generated on save). */
export interface ImportedFlow {
  name: string;
  description: string;
  tags: string[];
  variables: VariableDeclaration[];
  steps: Array<Omit<StepDefinition, 'id'>>;
}

/** Tag of the flow that collects operations without tags when grouping by tag. */
export const UNTAGGED_GROUP = 'untagged';
/** A generated step config above this size loses its sample body (the save limit is FLOW_LIMITS.configBytes). */
const MAX_GENERATED_CONFIG_BYTES = FLOW_LIMITS.configBytes - 4096;
/** Assertions per step: one status check, one body type check, the rest for required fields. */
const MAX_FIELD_CHECKS = FLOW_LIMITS.assertionsPerStep - 3;
const VARIABLE_DESCRIPTION_LENGTH = 500;

/**
 * Turns a parsed and dereferenced OpenAPI 3.x / Swagger 2.0 document into flow definitions: one per
 * operation, or one per tag with that tag's operations in document order. Pure: the caller parses the
 * document and saves the flows (through the normal validation).
 */
export function openApiToFlows(doc: Doc, options: OpenApiImportOptions): ImportedFlow[] {
  const operations = operationsOf(doc);
  const base = baseUrlOf(doc);
  const title = isSchema(doc.info) && typeof doc.info.title === 'string' ? doc.info.title : 'OpenAPI document';
  const groups = options.groupBy === 'tag' ? groupByTag(operations, doc) : operations.map((op) => ({ name: `${op.method} ${op.path}`, about: op.summary, tags: op.tags, operations: [op] }));
  const names = new UniqueNames((name) => name.slice(0, FLOW_LIMITS.nameLength), (name, n) => `${name.slice(0, FLOW_LIMITS.nameLength - 6)} (${n})`);
  return groups.map((group) => {
    const builder = new FlowBuilder(options.baseUrlVariable, base);
    for (const op of group.operations) builder.addOperation(op);
    const about = group.about ? ` — ${group.about}` : '';
    const notes = builder.notes.length ? `. Not generated: ${builder.notes.join('; ')}` : '';
    return {
      name: names.take(group.name),
      description: truncate(`Imported from OpenAPI "${title}": ${group.operations.map((op) => `${op.method} ${op.path}`).join(', ')}${about}${notes}`, FLOW_LIMITS.descriptionLength),
      tags: flowTags(group.tags),
      variables: builder.variables,
      steps: builder.steps,
    };
  });
}

interface Group {
  name: string;
  about?: string;
  tags: string[];
  operations: ApiOperation[];
}

function groupByTag(operations: ApiOperation[], doc: Doc): Group[] {
  const described = new Map<string, string>();
  if (Array.isArray(doc.tags)) {
    for (const tag of doc.tags) if (isSchema(tag) && typeof tag.name === 'string' && typeof tag.description === 'string') described.set(tag.name, tag.description);
  }
  const groups = new Map<string, Group>();
  for (const op of operations) {
    for (const tag of op.tags.length ? op.tags : [UNTAGGED_GROUP]) {
      const group = groups.get(tag) ?? { name: tag, about: described.get(tag), tags: [tag], operations: [] };
      group.operations.push(op);
      groups.set(tag, group);
    }
  }
  return [...groups.values()];
}

/** Builds one flow: variables shared by its steps (by name), one http step per operation. */
class FlowBuilder {
  readonly variables: VariableDeclaration[] = [];
  readonly steps: Array<Omit<StepDefinition, 'id'>> = [];
  /** What the import could not generate, told in the flow's description. */
  readonly notes: string[] = [];
  private readonly referenceNames = new UniqueNames(referenceName, (name, n) => `${name.slice(0, 60)}_${n}`);
  private readonly variableByParameter = new Map<string, string>();

  constructor(
    private readonly baseUrlVariable: string,
    base: { url?: string; note: string },
  ) {
    this.referenceNames.reserve(baseUrlVariable);
    this.variables.push({
      name: baseUrlVariable,
      type: 'string',
      ...(base.url ? { default: base.url } : { required: true }),
      description: truncate(base.note, VARIABLE_DESCRIPTION_LENGTH),
    });
  }

  addOperation(op: ApiOperation): void {
    const notes: string[] = [];
    const query: Record<string, string> = {};
    const headers: Record<string, string> = {};
    const pathVariables = new Map<string, string>();
    for (const parameter of op.parameters) {
      const variable = this.variableFor(parameter);
      if (!variable) {
        notes.push(`optional ${parameter.in} parameter "${parameter.name}" left out (no example or default)`);
        continue;
      }
      if (parameter.in === 'path') pathVariables.set(parameter.name, variable);
      else if (parameter.in === 'query') query[parameter.name] = `\${${variable}}`;
      else headers[parameter.name.toLowerCase()] = `\${${variable}}`;
    }
    const url = `\${${this.baseUrlVariable}}${op.path
      .split(/(\{[^}]+\})/)
      .map((part) => {
        const name = /^\{([^}]+)\}$/.exec(part)?.[1];
        if (name === undefined) return escapeTemplate(part);
        // A path template the document does not declare as a parameter still needs a value.
        const variable = pathVariables.get(name) ?? this.variableFor({ name, in: 'path', required: true, schema: { type: 'string' } })!;
        return `\${${variable}}`;
      })
      .join('')}`;
    const config: Record<string, unknown> = { method: op.method, url };
    if (Object.keys(query).length) config.query = query;
    const body = op.requestBody ? requestBodyOf(op.requestBody, notes) : undefined;
    if (body) headers['content-type'] = body.contentType;
    if (Object.keys(headers).length) config.headers = headers;
    if (body && JSON.stringify({ ...config, body: body.value }).length <= MAX_GENERATED_CONFIG_BYTES) config.body = body.value;
    else if (body) notes.push('the sample request body is too large to keep; add one');
    const name = this.referenceNames.take(op.operationId ?? `${op.method.toLowerCase()} ${op.path}`);
    this.notes.push(...notes.map((note) => `${op.method} ${op.path}: ${note}`));
    this.steps.push({ name, type: 'http', config, assertions: assertionsOf(op) });
  }

  /** The variable a parameter reads (declared on first use), or undefined for an optional parameter without a value. */
  private variableFor(parameter: ApiParameter): string | undefined {
    const key = `${parameter.in}:${parameter.name}`;
    const known = this.variableByParameter.get(key);
    if (known) return known;
    const type = variableType(schemaType(parameter.schema));
    const value = coerce(parameter.example ?? documentedValue(parameter.schema), type);
    if (value === undefined && !parameter.required) return undefined;
    const existing = this.variables.find((v) => v.name === referenceName(parameter.name) && v.name !== this.baseUrlVariable);
    const name = existing?.name ?? this.referenceNames.take(parameter.name);
    if (!existing) {
      const description = `${parameter.in} parameter "${parameter.name}"${parameter.description ? `: ${parameter.description}` : ''}`;
      this.variables.push({ name, type, ...(value === undefined ? { required: true } : { default: value }), description: truncate(description, VARIABLE_DESCRIPTION_LENGTH) });
    }
    this.variableByParameter.set(key, name);
    return name;
  }
}

function requestBodyOf(body: NonNullable<ApiOperation['requestBody']>, notes: string[]): { contentType: string; value: unknown } | undefined {
  const sample = body.example ?? sampleFromSchema(body.schema);
  const type = body.contentType.split(';')[0].trim().toLowerCase();
  if (isJsonType(type)) return sample === undefined ? undefined : { contentType: body.contentType, value: escapeTemplates(sample) };
  if (type === 'application/x-www-form-urlencoded' && isSchema(sample)) {
    const form = new URLSearchParams(Object.entries(sample).map(([k, v]) => [k, typeof v === 'string' ? v : JSON.stringify(v)]));
    return { contentType: body.contentType, value: escapeTemplate(form.toString()) };
  }
  if (typeof sample === 'string') return { contentType: body.contentType, value: escapeTemplate(sample) };
  notes.push(`request body (${body.contentType}) not generated; add it`);
  return undefined;
}

function assertionsOf(op: ApiOperation): AssertionDefinition[] {
  const { status, jsonSchema } = op.success;
  const assertions: AssertionDefinition[] =
    typeof status === 'number'
      ? [{ path: 'status', operator: 'equals', expected: status }]
      : [
          { path: 'status', operator: 'gte', expected: 200 },
          { path: 'status', operator: 'lt', expected: 300 },
        ];
  const type = schemaType(jsonSchema);
  if (type === 'array') assertions.push({ path: 'body', operator: 'isType', expected: 'array' });
  if (type === 'object' && isSchema(jsonSchema)) {
    assertions.push({ path: 'body', operator: 'isType', expected: 'object' });
    const required = Array.isArray(jsonSchema.required) ? jsonSchema.required.filter((n): n is string => typeof n === 'string') : [];
    for (const field of required.slice(0, MAX_FIELD_CHECKS)) assertions.push({ path: formatValuePath(['body', field]), operator: 'exists' });
  }
  return assertions;
}

/** servers[0] (its `{variables}` filled with their defaults) or Swagger 2's scheme://host/basePath. */
export function baseUrlOf(doc: Doc): { url?: string; note: string } {
  let url: string | undefined;
  if (isSwagger2(doc)) {
    const scheme = Array.isArray(doc.schemes) && typeof doc.schemes[0] === 'string' ? doc.schemes[0] : 'https';
    const basePath = typeof doc.basePath === 'string' ? doc.basePath : '';
    url = typeof doc.host === 'string' ? `${scheme}://${doc.host}${basePath}` : basePath || undefined;
  } else if (Array.isArray(doc.servers) && isSchema(doc.servers[0]) && typeof doc.servers[0].url === 'string') {
    const server = doc.servers[0];
    const variables = isSchema(server.variables) ? server.variables : {};
    url = (server.url as string).replace(/\{([^}]+)\}/g, (whole, name: string) => {
      const variable = variables[name];
      return isSchema(variable) && variable.default !== undefined ? String(variable.default) : whole;
    });
  }
  url = url?.replace(/\/+$/, '');
  if (url && /^https?:\/\/[^/{}]+/i.test(url) && !/[{}]/.test(url)) return { url, note: `Base URL of the API (from the document: ${url}); set it per run to test another deployment` };
  const found = url ? `the document gives "${url}", which is not an absolute http(s) URL` : 'the document names no server';
  return { note: `Base URL of the API, e.g. https://api.example.com (${found}); required at run time` };
}

function variableType(schema: string | undefined): VariableType {
  if (schema === 'integer' || schema === 'number') return 'number';
  if (schema === 'boolean') return 'boolean';
  if (schema === 'object' || schema === 'array') return 'json';
  return 'string';
}

/** A documented value in the variable's type (the validator refuses a default of another type), or undefined. */
function coerce(value: unknown, type: VariableType): unknown {
  if (value === undefined || value === null) return undefined;
  switch (type) {
    case 'string':
      return typeof value === 'object' ? JSON.stringify(value) : String(value);
    case 'number': {
      const n = typeof value === 'number' ? value : typeof value === 'string' && value.trim() !== '' ? Number(value) : NaN;
      return Number.isFinite(n) ? n : undefined;
    }
    case 'boolean':
      return typeof value === 'boolean' ? value : value === 'true' ? true : value === 'false' ? false : undefined;
    default:
      return value;
  }
}

/** A step or variable name from any text: letters, digits and "_", not starting with a digit, not reserved. */
export function referenceName(text: string): string {
  let name = text.replace(/[^A-Za-z0-9_]+/g, '_').replace(/^_+|_+$/g, '') || 'value';
  if (/^[0-9]/.test(name)) name = `_${name}`;
  name = name.slice(0, 64);
  return Object.hasOwn(RESERVED_ROOTS, name) ? `${name}_` : name;
}

/** Names unique within one scope: the second "x" becomes "x_2" (or whatever `suffixed` makes of it). */
class UniqueNames {
  private readonly taken = new Set<string>();

  constructor(
    private readonly normalize: (text: string) => string,
    private readonly suffixed: (name: string, n: number) => string,
  ) {}

  reserve(name: string): void {
    this.taken.add(name);
  }

  take(text: string): string {
    const name = this.normalize(text);
    let candidate = name;
    for (let n = 2; this.taken.has(candidate); n++) candidate = this.suffixed(name, n);
    this.taken.add(candidate);
    return candidate;
  }
}

function flowTags(tags: string[]): string[] {
  return [...new Set(['openapi', ...tags.map((t) => t.slice(0, FLOW_LIMITS.tagLength)).filter((t) => t.trim())])].slice(0, FLOW_LIMITS.tags);
}

function truncate(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, max - 1)}…`;
}

/** Literal text where the flow language would read `${` as a reference: `$${` is its escape. */
function escapeTemplate(text: string): string {
  return text.replace(/\$\{/g, () => '$${');
}

function escapeTemplates(value: unknown): unknown {
  if (typeof value === 'string') return escapeTemplate(value);
  if (Array.isArray(value)) return value.map(escapeTemplates);
  if (isSchema(value)) return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, escapeTemplates(v)]));
  return value;
}
