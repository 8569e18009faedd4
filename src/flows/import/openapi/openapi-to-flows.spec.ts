import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { openApiToFlows } from './openapi-to-flows';
import { externalReferences, readOpenApiDocument } from './read-openapi-document';
import { sampleFromSchema } from './sample-from-schema';

const fixture = (name: string) => readFileSync(join(__dirname, 'fixtures', name), 'utf8');
const options = { groupBy: 'operation' as const, baseUrlVariable: 'baseUrl' };

describe('openApiToFlows (OpenAPI 3.0)', () => {
  it('makes one flow per operation with variables, query, headers, body and assertions', async () => {
    const doc = await readOpenApiDocument(fixture('orders-openapi3.yaml'));
    const flows = openApiToFlows(doc, options);
    expect(flows.map((f) => f.name)).toEqual(['GET /orders', 'POST /orders', 'GET /orders/{order-id}', 'GET /health']);

    const list = flows[0];
    expect(list.tags).toEqual(['openapi', 'orders']);
    expect(list.variables).toEqual([
      { name: 'baseUrl', type: 'string', default: 'http://orders.example.test/api', description: expect.any(String) },
      { name: 'status', type: 'string', default: 'NEW', description: 'query parameter "status"' },
      { name: 'limit', type: 'number', default: 10, description: 'query parameter "limit"' },
    ]);
    expect(list.description).toContain('optional query parameter "cursor" left out');
    expect(list.steps).toEqual([
      {
        name: 'listOrders',
        type: 'http',
        config: { method: 'GET', url: '${baseUrl}/orders', query: { status: '${status}', limit: '${limit}' } },
        assertions: [
          { path: 'status', operator: 'equals', expected: 200 },
          { path: 'body', operator: 'isType', expected: 'array' },
        ],
      },
    ]);

    expect(flows[1].steps[0].config).toEqual({
      method: 'POST',
      url: '${baseUrl}/orders',
      headers: { 'content-type': 'application/json' },
      body: { sku: 'A-1', qty: 2 },
    });
    expect(flows[1].steps[0].assertions).toEqual([
      { path: 'status', operator: 'equals', expected: 201 },
      { path: 'body', operator: 'isType', expected: 'object' },
      { path: 'body.id', operator: 'exists' },
      { path: 'body.sku', operator: 'exists' },
      { path: 'body.status', operator: 'exists' },
    ]);

    const get = flows[2];
    expect(get.variables.slice(1)).toEqual([
      { name: 'order_id', type: 'string', default: 'ord-1', description: 'path parameter "order-id"' },
      { name: 'X_Tenant', type: 'string', default: 'acme', description: 'header parameter "X-Tenant"' },
    ]);
    expect(get.steps[0].config).toEqual({ method: 'GET', url: '${baseUrl}/orders/${order_id}', headers: { 'x-tenant': '${X_Tenant}' } });

    // `default` only: any 2xx.
    expect(flows[3].steps[0]).toMatchObject({
      name: 'get_health',
      assertions: [
        { path: 'status', operator: 'gte', expected: 200 },
        { path: 'status', operator: 'lt', expected: 300 },
      ],
    });
  });

  it('groups by tag in document order, untagged operations together', async () => {
    const flows = openApiToFlows(await readOpenApiDocument(fixture('orders-openapi3.yaml')), { ...options, groupBy: 'tag' });
    expect(flows.map((f) => [f.name, f.steps.map((s) => s.name)])).toEqual([
      ['orders', ['listOrders', 'createOrder', 'getOrder']],
      ['untagged', ['get_health']],
    ]);
    expect(flows[0].description).toContain('Placing and reading orders');
    expect(flows[0].variables.map((v) => v.name)).toEqual(['baseUrl', 'status', 'limit', 'order_id', 'X_Tenant']);
  });

  it('names the base URL variable as asked and keeps step names apart from variable names', async () => {
    const doc = await readOpenApiDocument({
      openapi: '3.0.0',
      info: { title: 't', version: '1' },
      paths: { '/search': { get: { operationId: 'q', parameters: [{ name: 'q', in: 'query', required: true, schema: { type: 'string' } }], responses: { '204': { description: 'ok' } } } } },
    });
    const [flow] = openApiToFlows(doc, { groupBy: 'operation', baseUrlVariable: 'api' });
    expect(flow.variables).toEqual([
      { name: 'api', type: 'string', required: true, description: expect.stringContaining('names no server') },
      { name: 'q', type: 'string', required: true, description: 'query parameter "q"' },
    ]);
    expect(flow.steps[0].name).toBe('q_2');
    expect(flow.steps[0].config.url).toBe('${api}/search');
  });
});

describe('openApiToFlows (Swagger 2.0)', () => {
  it('reads host/basePath/scheme, body parameters and response schemas', async () => {
    const flows = openApiToFlows(await readOpenApiDocument(fixture('pets-swagger2.json')), options);
    expect(flows[0].variables).toEqual([
      { name: 'baseUrl', type: 'string', default: 'http://pets.example.test/v1', description: expect.any(String) },
      { name: 'petId', type: 'number', default: 7, description: 'path parameter "petId"' },
    ]);
    expect(flows[0].steps[0].config).toEqual({ method: 'GET', url: '${baseUrl}/pets/${petId}' });
    expect(flows[1].steps[0].config).toEqual({ method: 'POST', url: '${baseUrl}/pets', headers: { 'content-type': 'application/json' }, body: { id: 7, name: 'Rex' } });
    expect(flows[1].steps[0].assertions).toContainEqual({ path: 'body.name', operator: 'exists' });
  });
});

describe('sampleFromSchema', () => {
  it('prefers example, then default, then enum, then a placeholder; required properties only; escapes nothing itself', () => {
    expect(sampleFromSchema({ type: 'string', example: 'x', default: 'y' })).toBe('x');
    expect(sampleFromSchema({ type: 'integer', default: 3, enum: [5] })).toBe(3);
    expect(sampleFromSchema({ type: 'string', enum: ['A'] })).toBe('A');
    expect(sampleFromSchema({ type: 'string', format: 'uuid' })).toBe('00000000-0000-4000-8000-000000000000');
    expect(sampleFromSchema({ type: 'object', required: ['a'], properties: { a: { type: 'boolean' }, b: { type: 'string' } } })).toEqual({ a: true });
    expect(sampleFromSchema({ allOf: [{ type: 'object', required: ['a'], properties: { a: { type: 'number' } } }, { type: 'object', required: ['b'], properties: { b: { type: 'string' } } }] })).toEqual({ a: 0, b: 'string' });
  });

  it('stops at cycles', () => {
    const node: Record<string, unknown> = { type: 'object', required: ['self', 'name'], properties: { name: { type: 'string' } } };
    (node.properties as Record<string, unknown>).self = node;
    expect(sampleFromSchema(node)).toEqual({ name: 'string' });
  });
});

describe('readOpenApiDocument', () => {
  it.each([
    ['file:///etc/passwd', 'file:///etc/passwd'],
    ['http://127.0.0.1:1/schema.json', 'http://127.0.0.1:1/schema.json'],
    ['other.yaml#/Pet', 'other.yaml#/Pet'],
  ])('refuses the external $ref %s before any resolver runs', async (ref) => {
    const doc = { openapi: '3.0.0', info: { title: 't', version: '1' }, paths: { '/a': { get: { responses: { '200': { description: 'ok', content: { 'application/json': { schema: { $ref: ref } } } } } } } } };
    expect(externalReferences(doc)).toEqual([{ pointer: '/paths/~1a/get/responses/200/content/application~1json/schema', ref }]);
    await expect(readOpenApiDocument(doc)).rejects.toMatchObject({
      details: { problems: [{ pointer: '/document/paths/~1a/get/responses/200/content/application~1json/schema', message: expect.stringContaining('points outside the document') }] },
    });
  });

  it('names what is wrong with a document', async () => {
    await expect(readOpenApiDocument('{"hello": 1}')).rejects.toMatchObject({ details: { problems: [{ pointer: '/document', message: expect.stringContaining('not an OpenAPI 3.x or Swagger 2.0') }] } });
    await expect(readOpenApiDocument('a: [')).rejects.toMatchObject({ details: { problems: [{ pointer: '/document', message: expect.stringContaining('neither JSON nor YAML') }] } });
    await expect(readOpenApiDocument({ openapi: '3.0.0', info: { title: 't', version: '1' } })).rejects.toMatchObject({ details: { problems: [{ pointer: '/document', message: expect.stringContaining('not a valid Openapi API definition') }] } });
    await expect(
      readOpenApiDocument({ openapi: '3.0.0', info: { title: 't', version: '1' }, paths: { '/a': { get: { responses: { '200': { description: 'ok', content: { 'application/json': { schema: { $ref: '#/components/schemas/Nope' } } } } } } } } }),
    ).rejects.toMatchObject({ details: { problems: [{ pointer: '/document', message: expect.stringContaining('Nope') }] } });
  });
});
