import { randomUUID } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import Ajv from 'ajv';
import addFormats from 'ajv-formats';
import { loadConfig } from '../../src/config/load-config';
import type { GraphqlStepConfig } from '../../src/integrations/graphql/graphql-step.config';
import { GraphqlStep } from '../../src/integrations/graphql/graphql.step';
import { createResource } from '../resources/resource-helpers';
import { stepContext, testEgress } from '../steps/step-test-support';
import { closedPort } from '../support/closed-port';
import { createFlow, noRetry, runFlow, waitForExecution } from '../support/flow-helpers';
import { API, ownerWithTeam, type TestUser } from '../support/identity-helpers';
import { startTestApp, type TestApp } from '../support/test-app';

jest.setTimeout(60_000);

const TOKEN = `gql-${randomUUID()}`;

interface Received {
  path: string;
  headers: http.IncomingHttpHeaders;
  body: { query?: string; variables?: Record<string, any>; operationName?: string };
}

/**
 * A GraphQL-over-HTTP server in a few lines of node:http (no graphql package): it answers by
 * operationName the way a real server would — `{data}`, `{data, errors}`, 401 with `{errors}` — and
 * `/boom` / `/html` answer like a broken gateway.
 */
async function startGraphqlServer() {
  const received: Received[] = [];
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const path = req.url ?? '/';
      const send = (status: number, body: unknown) => res.writeHead(status, { 'content-type': 'application/graphql-response+json' }).end(JSON.stringify(body));
      if (path === '/boom') return void res.writeHead(500, { 'content-type': 'text/plain' }).end('upstream exploded');
      if (path === '/never') return; // accepts, never answers
      if (path === '/html') return void res.writeHead(200, { 'content-type': 'text/html' }).end('<html><body>Sign in</body></html>');
      const body = JSON.parse(Buffer.concat(chunks).toString('utf8') || '{}');
      received.push({ path, headers: req.headers, body });
      if (req.headers.authorization !== `Bearer ${TOKEN}`) return send(401, { errors: [{ message: 'unauthenticated' }] });
      switch (body.operationName) {
        case 'Order':
          return send(200, { data: { order: { id: body.variables.id, status: 'PAID' } }, extensions: { cost: 1 } });
        case 'CreateOrder':
          return send(200, { data: { createOrder: { id: 'order-1', total: body.variables.input.total } } });
        case 'Missing':
          return send(200, {
            data: { order: null },
            errors: [
              { message: `Order ${body.variables.id} not found`, path: ['order'], locations: [{ line: 1, column: 30 }] },
              { message: 'second problem' },
            ],
          });
        default:
          return send(400, { errors: [{ message: `unknown operation ${body.operationName}` }] });
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    received,
    close: () => new Promise<void>((resolve) => (server.closeAllConnections(), server.close(() => resolve()))),
  };
}

const ORDER_QUERY = 'query Order($id: ID!) { order(id: $id) { id status } }';

describe('graphql step (API → worker → in-process GraphQL-over-HTTP server)', () => {
  let t: TestApp;
  let user: TestUser;
  let teamId: string;
  let server: Awaited<ReturnType<typeof startGraphqlServer>>;
  let resourceId: string;

  beforeAll(async () => {
    server = await startGraphqlServer();
    t = await startTestApp('graphql_step');
    ({ user, teamId } = await ownerWithTeam(t, 'graphql'));
    resourceId = await createResource(t, user, teamId, { name: 'orders-api', type: 'http', config: { baseUrl: `${server.url}/graphql`, auth: { type: 'bearer', token: TOKEN } } });
  });
  afterAll(async () => {
    await t?.close();
    await server?.close();
  });

  async function run(name: string, steps: Array<Record<string, unknown>>): Promise<any> {
    const flowId = await createFlow(t, user, teamId, { name, steps: steps.map(noRetry) });
    return waitForExecution(t, user, teamId, (await runFlow(t, user, teamId, flowId)).id);
  }

  it('query with variables and operationName: data at the root of the result, asserted on', async () => {
    const before = server.received.length;
    const execution = await run('gql query', [
      {
        name: 'order',
        type: 'graphql',
        config: { resourceId, query: ORDER_QUERY, variables: { id: 'o-42' }, operationName: 'Order' },
        assertions: [
          { path: 'data.order.status', operator: 'equals', expected: 'PAID' },
          { path: 'status', operator: 'equals', expected: 200 },
        ],
      },
    ]);
    expect(execution.steps.map((s: any) => [s.status, s.error])).toEqual([['SUCCESS', null]]);
    const response = execution.steps[0].response;
    expect(response).toMatchObject({ data: { order: { id: 'o-42', status: 'PAID' } }, extensions: { cost: 1 }, status: 200, headers: { 'content-type': 'application/graphql-response+json' } });
    expect(response).not.toHaveProperty('errors');
    expect(typeof response.durationMs).toBe('number');
    // One POST to the base URL, with the resource's auth, JSON body and the run's correlation id.
    const got = server.received.slice(before);
    expect(got).toHaveLength(1);
    expect(got[0].path).toBe('/graphql');
    expect(got[0].body).toEqual({ query: ORDER_QUERY, variables: { id: 'o-42' }, operationName: 'Order' });
    expect(got[0].headers).toMatchObject({ 'content-type': 'application/json', accept: expect.stringContaining('application/graphql-response+json'), 'x-correlation-id': execution.correlationId });
    expect(JSON.stringify(execution)).not.toContain(TOKEN);
    // The stored result is what the catalogue advertises.
    const catalogue = (await t.http.get(`${API}/step-types`).set(user.auth).expect(200)).body as Array<{ type: string; resourceType?: string; resultSchema: object; configSchema: object }>;
    const entry = catalogue.find((e) => e.type === 'graphql')!;
    expect(entry.resourceType).toBe('http');
    const ajv = addFormats(new Ajv({ strict: true, allowUnionTypes: true, allErrors: true }));
    ajv.compile(entry.configSchema);
    const validate = ajv.compile(entry.resultSchema);
    expect({ valid: validate(response), errors: validate.errors }).toEqual({ valid: true, errors: null });
  });

  it('mutation, and a later query reading the mutation\'s data through ${step.response.data...}', async () => {
    const execution = await run('gql mutation', [
      {
        name: 'create',
        type: 'graphql',
        config: { resourceId, query: 'mutation CreateOrder($input: OrderInput!) { createOrder(input: $input) { id total } }', variables: { input: { total: 99.5 } }, operationName: 'CreateOrder' },
        assertions: [{ path: 'data.createOrder.total', operator: 'equals', expected: 99.5 }],
      },
      {
        name: 'read',
        type: 'graphql',
        config: { resourceId, query: ORDER_QUERY, variables: { id: '${create.response.data.createOrder.id}' }, operationName: 'Order' },
        assertions: [{ path: 'data.order.id', operator: 'equals', expected: 'order-1' }],
      },
    ]);
    expect(execution.steps.map((s: any) => [s.name, s.status, s.error])).toEqual([
      ['create', 'SUCCESS', null],
      ['read', 'SUCCESS', null],
    ]);
  });

  it('errors in the answer fail the step with the first message and its path; the answer is stored', async () => {
    const execution = await run('gql errors', [{ name: 'missing', type: 'graphql', config: { resourceId, query: ORDER_QUERY.replace('Order', 'Missing'), variables: { id: '42' }, operationName: 'Missing' } }]);
    expect(execution.status).toBe('FAILED');
    const step = execution.steps[0];
    expect(step.error).toBe(
      'GraphQL error: Order 42 not found at path order (and 1 more error). To expect errors, assert on them (e.g. errors.0.message): the step then returns them instead of failing',
    );
    expect(step.response).toMatchObject({ data: { order: null }, errors: [{ message: 'Order 42 not found' }, { message: 'second problem' }], status: 200 });
  });

  it('a step that asserts on errors gets them as its result instead', async () => {
    const execution = await run('gql expected errors', [
      {
        name: 'missing',
        type: 'graphql',
        config: { resourceId, query: ORDER_QUERY.replace('Order', 'Missing'), variables: { id: '7' }, operationName: 'Missing' },
        assertions: [
          { path: 'errors.0.message', operator: 'equals', expected: 'Order 7 not found' },
          { path: 'errors[0].path[0]', operator: 'equals', expected: 'order' },
          { path: 'data.order', operator: 'equals', expected: null },
        ],
      },
    ]);
    expect(execution.steps.map((s: any) => [s.status, s.error])).toEqual([['SUCCESS', null]]);
    expect(execution.steps[0].assertions.every((a: any) => a.passed)).toBe(true);
    // A wrong expectation on errors is an ordinary assertion failure, naming the actual message.
    const wrong = await run('gql wrong errors', [
      { name: 'missing', type: 'graphql', config: { resourceId, query: ORDER_QUERY, variables: { id: '8' }, operationName: 'Missing' }, assertions: [{ path: 'errors.0.message', operator: 'equals', expected: 'something else' }] },
    ]);
    expect(wrong.steps[0].error).toContain('assertion failed: errors.0.message: expected');
    expect(wrong.steps[0].error).toContain('Order 8 not found');
  });

  it('a request error answered with 4xx and GraphQL errors (wrong credentials) is a GraphQL error with its status in the result', async () => {
    const other = await createResource(t, user, teamId, { name: 'orders-api-bad-token', type: 'http', config: { baseUrl: `${server.url}/graphql`, auth: { type: 'bearer', token: 'wrong' } } });
    const execution = await run('gql 401', [{ name: 'order', type: 'graphql', config: { resourceId: other, query: ORDER_QUERY, variables: { id: '1' }, operationName: 'Order' } }]);
    expect(execution.steps[0].error).toMatch(/^GraphQL error: unauthenticated\. /);
    expect(execution.steps[0].response).toMatchObject({ status: 401, data: null, errors: [{ message: 'unauthenticated' }] });
  });

  it('HTTP-level failures are clear errors: 500 with text, HTML, server down', async () => {
    const port = await closedPort();
    const execution = await run('gql http errors', [
      { name: 'boom', type: 'graphql', continueOnFailure: true, config: { resourceId, url: `${server.url}/boom`, query: '{ ping }' } },
      { name: 'html', type: 'graphql', continueOnFailure: true, config: { resourceId, url: `${server.url}/html`, query: '{ ping }' } },
      { name: 'down', type: 'graphql', continueOnFailure: true, config: { url: `http://127.0.0.1:${port}/graphql`, query: '{ ping }' } },
    ]);
    const errors = Object.fromEntries(execution.steps.map((s: any) => [s.name, s.error]));
    expect(errors).toEqual({
      boom: `GraphQL request to ${server.url}/boom failed: HTTP 500 with a non-JSON body (text/plain), not a GraphQL response: upstream exploded`,
      html: `GraphQL request to ${server.url}/html failed: HTTP 200 with a non-JSON body (text/html), not a GraphQL response: <html><body>Sign in</body></html>`,
      down: `connection refused by http://127.0.0.1:${port}/graphql`,
    });
  });

  it('refuses on save a config without url or resourceId, naming the field', async () => {
    const res = await t.http
      .post(`${API}/teams/${teamId}/flows`)
      .set(user.auth)
      .send({ name: 'gql invalid', steps: [{ name: 'q', type: 'graphql', config: { query: '{ ping }', operationName: '1bad' } }] });
    expect(res.status).toBe(400);
    expect(res.text).toContain('url');
    expect(res.text).toContain('operationName must be a GraphQL name');
  });

  describe('plugin called directly', () => {
    const appConfig = loadConfig({ NODE_ENV: 'test' });

    it('connects only where the egress policy allows', async () => {
      const guarded = new GraphqlStep(appConfig, testEgress({ EGRESS_DEFAULT: 'deny-private' }));
      try {
        await expect(guarded.run(stepContext<GraphqlStepConfig>({ url: `${server.url}/graphql`, query: '{ ping }' }))).rejects.toThrow(/egress refused/);
      } finally {
        guarded.onModuleDestroy();
      }
    });

    it('cancel aborts the request in flight; config.timeoutMs is a deadline', async () => {
      const step = new GraphqlStep(appConfig, testEgress());
      try {
        const ctx = stepContext<GraphqlStepConfig>({ url: `${server.url}/never`, query: '{ ping }' });
        const outcome = step.run(ctx);
        setTimeout(() => ctx.abort(new Error('execution cancelled')), 100);
        await expect(outcome).rejects.toThrow(`request to ${server.url}/never aborted: execution cancelled`);
        await expect(step.run(stepContext<GraphqlStepConfig>({ url: `${server.url}/never`, query: '{ ping }', timeoutMs: 200 }))).rejects.toThrow(`request to ${server.url}/never timed out`);
      } finally {
        step.onModuleDestroy();
      }
    });
  });
});
