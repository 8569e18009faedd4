import { readFileSync } from 'node:fs';
import Ajv from 'ajv';
import addFormats from 'ajv-formats';
import { GrpcStep } from '../../src/integrations/grpc/grpc.step';
import type { GrpcStepConfig } from '../../src/integrations/grpc/grpc-step.config';
import { StepError } from '../../src/steps/step-plugin';
import { RecordingClient } from '../resources/resource-helpers';
import { testClientPools, resource, stepContext, testEgress } from '../steps/step-test-support';
import { closedPort } from '../support/closed-port';
import { createFlow, noRetry, runFlow, waitForExecution } from '../support/flow-helpers';
import { API, ownerWithTeam, type TestUser } from '../support/identity-helpers';
import { startTestApp, type TestApp } from '../support/test-app';
import { ORDERS_PROTO_PATH, ORDERS_TOKEN, selfSignedLocalhost, startOrdersServer, type OrdersServer } from './fixtures/orders-grpc-server';

jest.setTimeout(60_000);

const ORDERS_PROTO = readFileSync(ORDERS_PROTO_PATH, 'utf8');
const ORDERS = 'orders.v1.Orders';

/**
 * The grpc resource type and step against a real gRPC server started here (orders.v1.Orders with
 * server reflection): plugin-level runs for each failure mode, then flows through the API and worker
 * with resources created, tested and edited over HTTP.
 */
describe('grpc step and resource (in-process gRPC server)', () => {
  let server: OrdersServer;
  let downPort: number;

  beforeAll(async () => {
    server = await startOrdersServer();
    downPort = await closedPort();
  });

  afterAll(async () => {
    await server?.close();
  });

  describe('the step', () => {
    const resources = testClientPools();
    const step = new GrpcStep(resources, testEgress());
    const withProto = () => resource('grpc', { address: server.address, proto: ORDERS_PROTO, metadata: { authorization: ORDERS_TOKEN } }, 'orders');
    const withReflection = () => resource('grpc', { address: server.address, reflection: true, metadata: { authorization: ORDERS_TOKEN } }, 'orders-reflected');
    let protoResource: ReturnType<typeof resource>;
    let reflectedResource: ReturnType<typeof resource>;
    const run = (config: Omit<GrpcStepConfig, 'resourceId'>, on = protoResource, timeoutMs?: number) =>
      step.run(stepContext({ resourceId: on.id, ...config } as GrpcStepConfig, { resource: on, timeoutMs }));

    beforeAll(() => {
      protoResource = withProto();
      reflectedResource = withReflection();
    });

    afterAll(async () => {
      await step.onModuleDestroy();
      await resources.closeAll();
    });

    it('calls a unary method with the resource and step metadata; the result is plain JSON', async () => {
      const result = await run({ service: ORDERS, method: 'GetOrder', message: { orderId: 'o-42' }, metadata: { 'x-tenant': 'acme' } });
      expect(result).toEqual({
        status: { code: 0, name: 'OK', details: 'OK' },
        message: {
          order_id: 'o-42',
          customer_id: 'c-1',
          status: 'PAID',
          total_cents: '9007199254740993',
          items: [{ sku: 'SKU-1', quantity: 2 }],
          labels: { tenant: 'acme', correlation: result.sent!.correlationId },
          created_at: { seconds: '1767225600', nanos: 0 },
        },
        metadata: expect.objectContaining({ 'x-served-by': 'orders-test' }),
        trailers: expect.objectContaining({ 'x-total-orders': '1' }),
        sent: { correlationHeader: 'X-Correlation-Id', correlationId: expect.any(String), traceparent: expect.stringMatching(/^00-[0-9a-f]{32}-/) },
      });
    });

    it('loads the definitions by server reflection and calls the same method', async () => {
      const result = await run({ service: ORDERS, method: 'GetOrder', message: { order_id: 'o-7' } }, reflectedResource);
      expect(result).toMatchObject({ status: { name: 'OK' }, message: { order_id: 'o-7', status: 'PAID', created_at: { seconds: '1767225600' } } });
    });

    it('collects a server stream to its end, and stops (cancelling the call) at maxMessages', async () => {
      expect(await run({ service: ORDERS, method: 'ListOrders', message: { count: 4 } })).toMatchObject({
        status: { name: 'OK' },
        messageCount: 4,
        truncated: false,
        messages: [{ order_id: 'o-1' }, { order_id: 'o-2' }, { order_id: 'o-3' }, { order_id: 'o-4' }],
      });
      // count 0: the server streams until cancelled.
      const limited = await run({ service: ORDERS, method: 'ListOrders', message: { count: 0 }, maxMessages: 3 }, reflectedResource);
      expect(limited).toMatchObject({ messageCount: 3, truncated: true, status: { name: 'CANCELLED', details: 'the step stopped reading after 3 messages' } });
      expect(limited.messages!.map((m) => m.order_id)).toEqual(['o-1', 'o-2', 'o-3']);
      await eventually(() => expect(server.cancelled).toContain('ListOrders'));
    });

    it('fails on a non-OK status with its code, name and details kept as the response; expectStatus makes it assertable', async () => {
      const failing = run({ service: ORDERS, method: 'GetOrder', message: { order_id: 'missing' } });
      await expect(failing).rejects.toThrow(StepError);
      const error = (await failing.catch((e: StepError) => e)) as StepError;
      expect(error.message).toBe(
        'gRPC orders.v1.Orders/GetOrder on resource "orders" ended with NOT_FOUND (5): order missing not found (set expectStatus to assert on this status instead)',
      );
      expect(error.details?.result).toMatchObject({ status: { code: 5, name: 'NOT_FOUND', details: 'order missing not found' }, message: null, trailers: { 'x-error-reason': 'no such order' } });

      const expected = await run({ service: ORDERS, method: 'GetOrder', message: { order_id: 'missing' }, expectStatus: ['NOT_FOUND'] });
      expect(expected).toMatchObject({ status: { code: 5, name: 'NOT_FOUND', details: 'order missing not found' }, message: null, trailers: { 'x-error-reason': 'no such order' } });
      await expect(run({ service: ORDERS, method: 'GetOrder', message: { order_id: 'o-1' }, expectStatus: ['NOT_FOUND', 'PERMISSION_DENIED'] })).rejects.toThrow(
        /ended with OK \(0\); expected NOT_FOUND or PERMISSION_DENIED$/,
      );
    });

    it('ends a slow call at deadlineMs with DEADLINE_EXCEEDED', async () => {
      const started = Date.now();
      await expect(run({ service: ORDERS, method: 'GetOrder', message: { order_id: 'o-1', delay_ms: 3000 }, deadlineMs: 300 })).rejects.toThrow(
        /^gRPC orders.v1.Orders\/GetOrder on resource "orders" ended with DEADLINE_EXCEEDED \(4\): Deadline exceeded/,
      );
      expect(Date.now() - started).toBeLessThan(2000);
    });

    it('cancels the call when the step is aborted', async () => {
      const ctx = stepContext({ resourceId: protoResource.id, service: ORDERS, method: 'GetOrder', message: { order_id: 'o-1', delay_ms: 5000 } } as GrpcStepConfig, { resource: protoResource });
      const running = step.run(ctx);
      setTimeout(() => ctx.abort(new Error('execution cancelled')), 200);
      await expect(running).rejects.toThrow('gRPC orders.v1.Orders/GetOrder on resource "orders": aborted (execution cancelled)');
      await eventually(() => expect(server.cancelled).toContain('GetOrder'));
    });

    it('names what exists when the service or method is unknown, for proto text and reflection alike', async () => {
      await expect(run({ service: 'orders.v1.Order', method: 'GetOrder' })).rejects.toThrow('resource "orders": service "orders.v1.Order" is not in the proto text; services: orders.v1.Orders');
      await expect(run({ service: 'orders.v1.Order', method: 'GetOrder' }, reflectedResource)).rejects.toThrow(
        'resource "orders-reflected": service "orders.v1.Order" is not in the services the server lists by reflection; services: orders.v1.Orders',
      );
      await expect(run({ service: ORDERS, method: 'DeleteOrder' }, reflectedResource)).rejects.toThrow(
        'method "DeleteOrder" is not in service orders.v1.Orders; methods: GetOrder (unary), ListOrders (server streaming), ImportOrders (client streaming)',
      );
      await expect(run({ service: ORDERS, method: 'ImportOrders' })).rejects.toThrow('method ImportOrders is client streaming; the grpc step calls unary and server-streaming methods');
    });

    it('refuses a message that does not fit the request type before calling, naming the field', async () => {
      await expect(run({ service: ORDERS, method: 'GetOrder', message: { order_id: 'o-1', delay_ms: 'slow' } })).rejects.toThrow(
        'gRPC orders.v1.Orders/GetOrder on resource "orders": the message does not fit orders.v1.GetOrderRequest: message.delay_ms: expected an integer from -2147483648 to 2147483647 (int32), got string "slow"',
      );
      await expect(run({ service: ORDERS, method: 'GetOrder', message: { id: 'o-1' } })).rejects.toThrow('message.id: no such field in orders.v1.GetOrderRequest; fields: order_id, delay_ms');
    });

    it('reports a server that is down, with proto text and with reflection', async () => {
      const down = resource('grpc', { address: `127.0.0.1:${downPort}`, proto: ORDERS_PROTO }, 'down');
      await expect(run({ service: ORDERS, method: 'GetOrder' }, down)).rejects.toThrow(/ended with UNAVAILABLE \(14\): No connection established.* \(no connection to 127\.0\.0\.1:\d+\)$/);
      const downReflected = resource('grpc', { address: `127.0.0.1:${downPort}`, reflection: true }, 'down-reflected');
      await expect(run({ service: ORDERS, method: 'GetOrder' }, downReflected)).rejects.toThrow(
        /^cannot load the service definitions of resource "down-reflected" by server reflection: UNAVAILABLE: No connection established/,
      );
    });

    it('calls over TLS: the channel is pinned to the checked address and still verifies the certificate for the host name', async () => {
      const tls = selfSignedLocalhost();
      const secure = await startOrdersServer({ tls, host: 'localhost' });
      try {
        const config = { address: secure.address, proto: ORDERS_PROTO, metadata: { authorization: ORDERS_TOKEN } };
        const trusted = resource('grpc', { ...config, tls: { ca: tls.cert } }, 'secure');
        expect(await run({ service: ORDERS, method: 'GetOrder', message: { order_id: 'o-tls' } }, trusted)).toMatchObject({ status: { name: 'OK' }, message: { order_id: 'o-tls' } });
        const untrusted = resource('grpc', { ...config, tls: {} }, 'untrusted');
        await expect(run({ service: ORDERS, method: 'GetOrder' }, untrusted)).rejects.toThrow(/ended with UNAVAILABLE \(14\): .*self[- ]signed certificate/i);
        const wrongName = resource('grpc', { ...config, tls: { ca: tls.cert, servername: 'orders.example.com' } }, 'wrong-name');
        await expect(run({ service: ORDERS, method: 'GetOrder' }, wrongName)).rejects.toThrow(/ended with UNAVAILABLE \(14\): .*orders\.example\.com/);
      } finally {
        await secure.close();
      }
    });

    it('connects only where the egress policy allows', async () => {
      const strict = new GrpcStep(resources, testEgress({ EGRESS_DEFAULT: 'deny-private' }));
      const ctx = stepContext({ resourceId: protoResource.id, service: ORDERS, method: 'GetOrder' } as GrpcStepConfig, { resource: protoResource });
      await expect(strict.run(ctx)).rejects.toThrow(/cannot connect for gRPC orders.v1.Orders\/GetOrder on resource "orders": egress refused: 127.0.0.1:\d+ is a loopback address/);
      await strict.onModuleDestroy();
    });
  });

  describe('through the API (resources, flows, worker)', () => {
    let t: TestApp;
    let user: TestUser;
    let teamId: string;
    let api: RecordingClient;
    const bodies: string[] = [];
    const ids = { proto: '', reflection: '' };
    let resultSchema: Record<string, unknown>;
    let configSchema: Record<string, unknown>;

    const createResource = async (name: string, config: object): Promise<string> => (await api.send('post', `/teams/${teamId}/resources`, { name, type: 'grpc', config }, 201)).body.id;
    const runSteps = async (name: string, steps: Array<Record<string, unknown>>) => {
      const flowId = await createFlow(t, user, teamId, { name, steps: steps.map(noRetry) });
      const done = await waitForExecution(t, user, teamId, (await runFlow(t, user, teamId, flowId)).id, 30_000);
      bodies.push(JSON.stringify(done));
      return done;
    };

    beforeAll(async () => {
      t = await startTestApp('grpc_flows');
      ({ user, teamId } = await ownerWithTeam(t, 'grpc'));
      api = new RecordingClient(t, user, bodies);
      ids.proto = await createResource('orders', { address: server.address, proto: ORDERS_PROTO, metadata: { authorization: ORDERS_TOKEN, 'x-tenant': 'acme' } });
      ids.reflection = await createResource('orders-reflected', { address: server.address, reflection: true, metadata: { authorization: ORDERS_TOKEN } });
      const catalogue = (await t.http.get(`${API}/step-types`).set(user.auth).expect(200)).body as Array<{ type: string; configSchema: Record<string, unknown>; resultSchema: Record<string, unknown> }>;
      ({ configSchema, resultSchema } = catalogue.find((entry) => entry.type === 'grpc')!);
    });

    afterAll(async () => {
      await t?.close();
    });

    it('runs a flow: a unary call with metadata asserted on its message, a stream to its end and cut at a limit, an expected NOT_FOUND', async () => {
      const done = await runSteps('orders over grpc', [
        {
          name: 'order',
          type: 'grpc',
          config: { resourceId: ids.proto, service: ORDERS, method: 'GetOrder', message: { order_id: 'o-42' }, metadata: { 'x-request-id': 'r-1' }, deadlineMs: 5000 },
          assertions: [
            { path: 'status.name', operator: 'equals', expected: 'OK' },
            { path: 'message.order_id', operator: 'equals', expected: 'o-42' },
            { path: 'message.status', operator: 'equals', expected: 'PAID' },
            { path: 'message.items[0].quantity', operator: 'equals', expected: 2 },
            { path: 'message.labels.tenant', operator: 'equals', expected: 'acme' },
            { path: 'message.labels.correlation', operator: 'equals', expected: '${execution.correlationId}' },
            { path: 'metadata.x-served-by', operator: 'equals', expected: 'orders-test' },
          ],
        },
        {
          name: 'all',
          type: 'grpc',
          config: { resourceId: ids.reflection, service: ORDERS, method: 'ListOrders', message: { customer_id: '${order.response.message.customer_id}', count: 3 } },
          assertions: [
            { path: 'messageCount', operator: 'equals', expected: 3 },
            { path: 'truncated', operator: 'equals', expected: false },
            { path: 'messages[2].order_id', operator: 'equals', expected: 'o-3' },
          ],
        },
        {
          name: 'firstTwo',
          type: 'grpc',
          config: { resourceId: ids.proto, service: ORDERS, method: 'ListOrders', message: { count: 0 }, maxMessages: 2 },
          assertions: [{ path: 'messageCount', operator: 'equals', expected: 2 }, { path: 'truncated', operator: 'equals', expected: true }],
        },
        {
          name: 'absent',
          type: 'grpc',
          config: { resourceId: ids.proto, service: ORDERS, method: 'GetOrder', message: { order_id: 'missing' }, expectStatus: 'NOT_FOUND' },
          assertions: [
            { path: 'status.code', operator: 'equals', expected: 5 },
            { path: 'status.details', operator: 'contains', expected: 'not found' },
            { path: 'trailers.x-error-reason', operator: 'equals', expected: 'no such order' },
          ],
        },
      ]);
      expect({ status: done.status, steps: done.steps.map((s: any) => [s.name, s.status, s.error]) }).toEqual({
        status: 'COMPLETED',
        steps: [
          ['order', 'SUCCESS', null],
          ['all', 'SUCCESS', null],
          ['firstTwo', 'SUCCESS', null],
          ['absent', 'SUCCESS', null],
        ],
      });
      // Every stored result is valid against the result schema the catalogue advertises, and so is every config.
      const ajv = () => addFormats(new Ajv({ strict: true, allowUnionTypes: true, allErrors: true }));
      const validConfig = ajv().compile(configSchema);
      for (const step of done.steps) expect({ step: step.name, valid: validConfig(step.request ?? {}) || validConfig.errors }).toEqual({ step: step.name, valid: true });
      expect(validConfig({ resourceId: ids.proto, service: ORDERS, method: 'GetOrder', expectStatus: ['NOT_FOUND', 'OK'], metadata: { 'x-a': 'b' } })).toBe(true);
      expect(validConfig({ resourceId: ids.proto, service: ORDERS, method: 'GetOrder', metadata: { 'X-A': 'b' } })).toBe(false);
      const validate = ajv().compile(resultSchema);
      for (const step of done.steps) expect({ step: step.name, valid: validate(step.response), errors: validate.errors ?? null }).toEqual({ step: step.name, valid: true, errors: null });
      expect(JSON.stringify(done)).not.toContain(ORDERS_TOKEN);
    });

    it('fails steps with errors a tester understands, keeping the status of a failed call as the response', async () => {
      const downId = await createResource('orders-down', { address: `127.0.0.1:${downPort}`, proto: ORDERS_PROTO });
      const call = (name: string, config: Record<string, unknown>) => ({ name, type: 'grpc', continueOnFailure: true, config: { resourceId: ids.proto, service: ORDERS, method: 'GetOrder', ...config } });
      const done = await runSteps('grpc failures', [
        call('notFound', { message: { order_id: 'missing' } }),
        call('slow', { message: { order_id: 'o-1', delay_ms: 3000 }, deadlineMs: 200 }),
        call('unknownMethod', { method: 'Remove' }),
        call('badMessage', { message: { order_id: 42 } }),
        call('down', { resourceId: downId }),
      ]);
      const byName = Object.fromEntries(done.steps.map((s: any) => [s.name, s]));
      expect(done.steps.map((s: any) => s.status)).toEqual(['ERROR', 'ERROR', 'ERROR', 'ERROR', 'ERROR']);
      expect(byName.notFound.error).toBe('gRPC orders.v1.Orders/GetOrder on resource "orders" ended with NOT_FOUND (5): order missing not found (set expectStatus to assert on this status instead)');
      expect(byName.notFound.response).toMatchObject({ status: { code: 5, name: 'NOT_FOUND', details: 'order missing not found' }, message: null, trailers: { 'x-error-reason': 'no such order' } });
      expect(byName.slow.error).toMatch(/ended with DEADLINE_EXCEEDED \(4\): Deadline exceeded/);
      expect(byName.slow.response).toMatchObject({ status: { name: 'DEADLINE_EXCEEDED' } });
      expect(byName.unknownMethod.error).toBe(
        'resource "orders": method "Remove" is not in service orders.v1.Orders; methods: GetOrder (unary), ListOrders (server streaming), ImportOrders (client streaming)',
      );
      expect(byName.badMessage.error).toBe(
        'gRPC orders.v1.Orders/GetOrder on resource "orders": the message does not fit orders.v1.GetOrderRequest: message.order_id: expected a string (string), got number 42',
      );
      expect(byName.down.error).toMatch(/on resource "orders-down" ended with UNAVAILABLE \(14\): No connection established.* \(no connection to 127\.0\.0\.1:\d+\)$/);
    });

    it('cancelling an execution cancels its call on the server', async () => {
      const flowId = await createFlow(t, user, teamId, {
        name: 'slow grpc',
        steps: [noRetry({ name: 'slow', type: 'grpc', config: { resourceId: ids.proto, service: ORDERS, method: 'GetOrder', message: { order_id: 'o-1', delay_ms: 20_000 } } })],
      });
      const before = server.cancelled.filter((m) => m === 'GetOrder').length;
      const started = await runFlow(t, user, teamId, flowId);
      await waitForExecution(t, user, teamId, started.id, 10_000, (e) => e.steps[0]?.status === 'IN_PROGRESS');
      await new Promise((r) => setTimeout(r, 200));
      const asked = Date.now();
      await t.http.post(`${API}/teams/${teamId}/executions/${started.id}/cancel`).set(user.auth).expect(200);
      const done = await waitForExecution(t, user, teamId, started.id, 10_000);
      expect(done.status).toBe('CANCELLED');
      expect(Date.now() - asked).toBeLessThan(3000);
      await eventually(() => expect(server.cancelled.filter((m) => m === 'GetOrder').length).toBe(before + 1));
    });

    it('never returns secret metadata; an edit reaches the next run (clients pooled per resource version)', async () => {
      const shown = await api.send('get', `/teams/${teamId}/resources/${ids.proto}`, undefined, 200);
      expect(shown.body.config.metadata).toEqual({ authorization: '***', 'x-tenant': 'acme' });
      expect(shown.body.secrets).toMatchObject({ 'metadata.authorization': true });
      // *** sent back keeps the stored token; the tenant changes.
      await api.send('patch', `/teams/${teamId}/resources/${ids.proto}`, { config: { ...shown.body.config, metadata: { authorization: '***', 'x-tenant': 'globex' } } }, 200);
      const done = await runSteps('after edit', [
        { name: 'order', type: 'grpc', config: { resourceId: ids.proto, service: ORDERS, method: 'GetOrder', message: { order_id: 'o-9' } }, assertions: [{ path: 'message.labels.tenant', operator: 'equals', expected: 'globex' }] },
        { name: 'echoed', type: 'grpc', config: { resourceId: ids.proto, service: ORDERS, method: 'GetOrder', message: { order_id: 'echo' } } },
      ]);
      expect(done.steps.map((s: any) => [s.status, s.error])).toEqual([['SUCCESS', null], ['SUCCESS', null]]);
      // The server echoed the token into its answer: the stored response shows it redacted.
      expect(done.steps[1].response.message.labels.auth).toBe('[REDACTED]');
      for (const body of bodies) expect(body).not.toContain(ORDERS_TOKEN);
    });

    it('tests connections: proto text (health probe), reflection (lists services), a refused port', async () => {
      expect((await api.send('post', `/teams/${teamId}/resources/${ids.proto}/test`, {}, 200)).body).toMatchObject({ ok: true, details: { services: [ORDERS], health: 'not offered' } });
      expect((await api.send('post', `/teams/${teamId}/resources/${ids.reflection}/test`, {}, 200)).body).toMatchObject({ ok: true, details: { services: [ORDERS] } });
      const refused = (await api.send('post', `/teams/${teamId}/resources/test`, { type: 'grpc', config: { address: `127.0.0.1:${downPort}`, reflection: true } }, 200)).body;
      expect(refused).toMatchObject({ ok: false, error: expect.stringMatching(/^server reflection failed: UNAVAILABLE: /) });
      const refusedProto = (await api.send('post', `/teams/${teamId}/resources/test`, { type: 'grpc', config: { address: `127.0.0.1:${downPort}`, proto: ORDERS_PROTO } }, 200)).body;
      expect(refusedProto).toMatchObject({ ok: false, error: expect.stringMatching(new RegExp(`^UNAVAILABLE: cannot reach 127\\.0\\.0\\.1:${downPort}: No connection established`)) });
    });

    it('refuses on save a proto that does not parse (with its line), a unix: target, and proto with reflection', async () => {
      const problems = async (config: object) => (await api.send('post', `/teams/${teamId}/resources`, { name: 'bad', type: 'grpc', config }, 400)).body.details.problems;
      expect(await problems({ address: server.address, proto: 'syntax = "proto3";\nservice S {\n  rpc M (A) returns (A)\n}\nmessage A {}' })).toEqual([
        { field: 'config.proto', message: expect.stringMatching(/^proto does not parse: illegal token .* \(line 4\)$/) },
      ]);
      expect(await problems({ address: 'unix:/var/run/orders.sock', reflection: true })).toEqual([{ field: 'config.address', message: expect.stringContaining('not allowed') }]);
      expect((await problems({ address: server.address, reflection: true, proto: ORDERS_PROTO })).map((p: { field: string }) => p.field)).toEqual(['config.reflection']);
      expect(await problems({ address: server.address })).toEqual([{ field: 'config.proto', message: 'proto (the .proto text) is required unless reflection is true' }]);
      expect(await problems({ address: server.address, reflection: true, metadata: { 'grpc-timeout': '1S' } })).toEqual([{ field: 'config.metadata', message: expect.stringContaining('not starting with grpc-') }]);
    });
  });
});

async function eventually(check: () => void, timeoutMs = 3000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      return check();
    } catch (error) {
      if (Date.now() > deadline) throw error;
      await new Promise((r) => setTimeout(r, 25));
    }
  }
}
