import { randomUUID } from 'node:crypto';
import http from 'node:http';
import net from 'node:net';
import Ajv from 'ajv';
import addFormats from 'ajv-formats';
import WebSocket, { WebSocketServer } from 'ws';
import { WebSocketConnectionTester } from '../../src/integrations/websocket/websocket-connection.tester';
import type { WebSocketStepConfig } from '../../src/integrations/websocket/websocket-step.config';
import { WebSocketStep } from '../../src/integrations/websocket/websocket.step';
import { StepError } from '../../src/steps/step-plugin';
import { createResource } from '../resources/resource-helpers';
import { closedPort } from '../support/closed-port';
import { createFlow, noRetry, runFlow, waitForExecution } from '../support/flow-helpers';
import { API, ownerWithTeam, type TestUser } from '../support/identity-helpers';
import { startTestApp, type TestApp } from '../support/test-app';
import { resource, sleep, stepContext, testEgress } from '../steps/step-test-support';

jest.setTimeout(60_000);

const TOKEN = `Bearer ws-secret-${randomUUID()}`;

interface Handshake {
  path: string;
  headers: http.IncomingHttpHeaders;
}

/**
 * The system under test: one node:http server that upgrades WebSockets (ws' WebSocketServer, noServer)
 * and answers HTTP. `POST /orders` creates an order and pushes `order.created` to every client that
 * subscribed to "orders". Paths choose WebSocket behaviours: `/events` (normal), `/close-early` (one
 * message, then close 1011), `/big` (a message above the step's limit); a wrong Authorization is 401.
 */
async function startTarget() {
  const wss = new WebSocketServer({
    noServer: true,
    handleProtocols: (protocols) => (protocols.has('refused.v1') ? false : ([...protocols][0] ?? false)),
  });
  const handshakes: Handshake[] = [];
  const received: string[] = [];
  const subscribers = new Set<WebSocket>();
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      if (req.method === 'POST' && req.url === '/orders') {
        const id = randomUUID();
        const others = { type: 'order.created', orderId: 'someone-else' };
        for (const client of subscribers) {
          client.send(JSON.stringify(others));
          client.send(JSON.stringify({ type: 'order.created', orderId: id, total: 42 }));
        }
        res.writeHead(201, { 'content-type': 'application/json' }).end(JSON.stringify({ id }));
      } else res.writeHead(404).end();
    });
  });
  server.on('upgrade', (req, socket, head) => {
    const path = req.url ?? '/';
    handshakes.push({ path, headers: req.headers });
    if (req.headers.authorization !== TOKEN) {
      socket.end('HTTP/1.1 401 Unauthorized\r\nContent-Type: text/plain\r\nConnection: close\r\n\r\nbad token');
      return;
    }
    wss.handleUpgrade(req, socket, head, (client) => {
      client.on('error', () => undefined);
      client.on('close', () => subscribers.delete(client));
      if (path.startsWith('/close-early')) {
        client.send('about to fail');
        setTimeout(() => client.close(1011, 'backend exploded'), 100);
        return;
      }
      if (path.startsWith('/big')) {
        client.send('x'.repeat(1024 * 1024 + 1));
        return;
      }
      client.on('message', (data) => {
        const text = data.toString();
        received.push(text);
        if (text === 'ping') client.send('pong');
        else if (text === 'whoami') client.send(JSON.stringify({ auth: req.headers.authorization, tenant: req.headers['x-tenant'] }));
        else if (text.includes('"subscribe"')) {
          subscribers.add(client);
          client.send(JSON.stringify({ type: 'subscribed', channel: JSON.parse(text).channel }));
        } else if (text === 'noise') {
          client.send('noise 1');
          client.send('noise 2');
        }
      });
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as net.AddressInfo).port;
  return {
    port,
    httpUrl: `http://127.0.0.1:${port}`,
    wsUrl: `ws://127.0.0.1:${port}`,
    handshakes,
    received,
    /** Connections the server still holds open. */
    openClients: () => wss.clients.size,
    close: async () => {
      for (const client of wss.clients) client.terminate();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

async function eventually(check: () => boolean, timeoutMs = 3000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await sleep(20);
  }
}

describe('websocket integration', () => {
  let target: Awaited<ReturnType<typeof startTarget>>;

  beforeAll(async () => {
    target = await startTarget();
  });
  afterAll(async () => {
    await target?.close();
  });

  describe('through the API, queue and worker', () => {
    let t: TestApp;
    let user: TestUser;
    let teamId: string;
    let resourceId: string;

    beforeAll(async () => {
      t = await startTestApp('websocket_step');
      ({ user, teamId } = await ownerWithTeam(t, 'websocket'));
      resourceId = await createResource(t, user, teamId, {
        name: 'order-events',
        type: 'websocket',
        config: { url: `${target.wsUrl}/events`, headers: { Authorization: TOKEN, 'X-Client': 'ats' } },
      });
    });
    afterAll(async () => {
      await t?.close();
    });

    async function run(name: string, steps: Array<Record<string, unknown>>): Promise<any> {
      const flowId = await createFlow(t, user, teamId, { name, steps: steps.map(noRetry) });
      return waitForExecution(t, user, teamId, (await runFlow(t, user, teamId, flowId)).id);
    }

    it('keeps the handshake token secret: never returned by the resource API, connection test passes', async () => {
      const res = await t.http.get(`${API}/teams/${teamId}/resources/${resourceId}`).set(user.auth).expect(200);
      expect(res.text).not.toContain(TOKEN);
      expect(res.body.config.headers).toEqual({ Authorization: '***', 'X-Client': 'ats' });
      const test = await t.http.post(`${API}/teams/${teamId}/resources/${resourceId}/test`).set(user.auth).expect(200);
      expect(test.body).toMatchObject({ ok: true, details: { handshake: '101 Switching Protocols' } });
      expect(target.handshakes.at(-1)!.headers.authorization).toBe(TOKEN);
      // The catalogue lists the type with its example.
      const types = (await t.http.get(`${API}/resource-types`).set(user.auth).expect(200)).body as Array<{ type: string }>;
      expect(types.map((r) => r.type)).toContain('websocket');
    });

    it('a connection test with a wrong token fails with the 401 and its body', async () => {
      const res = await t.http
        .post(`${API}/teams/${teamId}/resources/test`)
        .set(user.auth)
        .send({ type: 'websocket', config: { url: `${target.wsUrl}/events`, headers: { Authorization: 'Bearer wrong' } } })
        .expect(200);
      expect(res.body.ok).toBe(false);
      expect(res.body.error).toContain('answered 401 Unauthorized instead of 101 Switching Protocols');
      expect(res.body.error).toContain('bad token');
    });

    it('connect in background → trigger over HTTP → server pushes → assertion on the matched message', async () => {
      const before = target.handshakes.length;
      const execution = await run('ws signature', [
        {
          name: 'listen',
          type: 'websocket',
          runInBackground: true,
          timeoutMs: 20_000,
          config: {
            resourceId,
            subprotocols: ['orders.v1'],
            headers: { 'X-Tenant': 'acme' },
            send: [{ type: 'subscribe', channel: 'orders' }],
            timeoutMs: 10_000,
            // Deferred match: the id comes from the step that triggers the push.
            searchPattern: { matchType: 'jsonpath', pattern: "$[?(@.orderId == '${create.response.body.id}')]" },
          },
          assertions: [
            { path: 'messages.0.value.type', operator: 'equals', expected: 'order.created' },
            { path: 'messages.0.value.total', operator: 'equals', expected: 42 },
            { path: 'subprotocol', operator: 'equals', expected: 'orders.v1' },
          ],
        },
        { name: 'create', type: 'http', config: { url: `${target.httpUrl}/orders`, method: 'POST', body: {} } },
      ]);
      expect(execution.steps.map((s: any) => [s.name, s.status, s.error])).toEqual([
        ['listen', 'SUCCESS', null],
        ['create', 'SUCCESS', null],
      ]);
      const listen = execution.steps.find((s: any) => s.name === 'listen');
      const create = execution.steps.find((s: any) => s.name === 'create');
      expect(listen.response).toMatchObject({ matchedCount: 1, scannedCount: 3, subprotocol: 'orders.v1', messages: [{ value: { orderId: create.response.body.id }, headers: {}, binary: false }] });
      // The handshake carried the resource's headers and the step's, and the offered subprotocol.
      const handshake = target.handshakes.slice(before).find((h) => h.path === '/events')!;
      expect(handshake.headers).toMatchObject({ authorization: TOKEN, 'x-client': 'ats', 'x-tenant': 'acme', 'sec-websocket-protocol': 'orders.v1' });
      // The stored result is what the catalogue advertises.
      const catalogue = (await t.http.get(`${API}/step-types`).set(user.auth).expect(200)).body as Array<{ type: string; resultSchema: object; configSchema: object; lateFields?: string[] }>;
      const entry = catalogue.find((e) => e.type === 'websocket')!;
      expect(entry.lateFields).toEqual(['searchPattern']);
      const ajv = addFormats(new Ajv({ strict: true, allowUnionTypes: true, allErrors: true }));
      ajv.compile(entry.configSchema);
      const validate = ajv.compile(entry.resultSchema);
      expect({ valid: validate(listen.response), errors: validate.errors }).toEqual({ valid: true, errors: null });
      await eventually(() => target.openClients() === 0);
    });

    it('redacts the resource token from a stored message that echoes it', async () => {
      const execution = await run('ws redaction', [{ name: 'who', type: 'websocket', config: { resourceId, send: ['whoami'], timeoutMs: 5000, searchPattern: { matchType: 'contains', pattern: 'auth' } } }]);
      expect(execution.steps[0].status).toBe('SUCCESS');
      expect(JSON.stringify(execution)).not.toContain(TOKEN);
      expect(execution.steps[0].response.messages[0].value.auth).toBe('[REDACTED]');
    });

    it('a step that finds nothing within its window fails with counts; the error is stored', async () => {
      const execution = await run('ws timeout', [{ name: 'quiet', type: 'websocket', config: { resourceId, send: ['noise'], timeoutMs: 700, searchPattern: { matchType: 'contains', pattern: 'never-sent' } } }]);
      expect(execution.status).toBe('FAILED');
      expect(execution.steps[0].error).toBe(`no message on WebSocket ${target.wsUrl}/events contained "never-sent" within 700 ms; received 2, none matched`);
    });
  });

  describe('plugin called directly', () => {
    const step = new WebSocketStep(testEgress());
    const wsResource = (path = '/events', headers: Record<string, string> = { Authorization: TOKEN }) => resource('websocket', { url: `${target.wsUrl}${path}`, headers, tlsVerify: true, connectTimeoutMs: 5000 }, 'events');
    const ctx = (config: Partial<WebSocketStepConfig>, options: { path?: string; headers?: Record<string, string>; timeoutMs?: number; resourceUrl?: string } = {}) => {
      const res = options.resourceUrl ? resource('websocket', { url: options.resourceUrl, tlsVerify: true, connectTimeoutMs: 5000 }) : wsResource(options.path, options.headers);
      return stepContext<WebSocketStepConfig>({ resourceId: res.id, ...config }, { resource: res, timeoutMs: options.timeoutMs ?? 10_000 });
    };

    afterEach(async () => {
      expect(step.openConnectionCount()).toBe(0);
      await eventually(() => target.openClients() === 0);
    });
    afterAll(() => step.onModuleDestroy());

    it('sends its messages in order once connected, then matches replies (text and JSON)', async () => {
      const before = target.received.length;
      const result = await step.run(ctx({ send: ['ping', { type: 'subscribe', channel: 'invoices' }], timeoutMs: 5000, messageLimit: 2 }));
      expect(target.received.slice(before)).toEqual(['ping', '{"type":"subscribe","channel":"invoices"}']);
      expect(result).toMatchObject({ matchedCount: 2, messages: [{ value: 'pong' }, { value: { type: 'subscribed', channel: 'invoices' } }], subprotocol: '' });
      expect(Date.parse(result.messages[0].timestamp)).toBeGreaterThan(Date.now() - 10_000);
    });

    it('prepare resolves once connected and listening: a push right after it is never missed', async () => {
      for (let round = 0; round < 3; round++) {
        const complete = await step.prepare(ctx({ send: [{ type: 'subscribe', channel: 'orders' }], timeoutMs: 5000, searchPattern: { matchType: 'jsonpath', pattern: '$[?(@.orderId && @.orderId != "someone-else")]' } }));
        const created = await fetch(`${target.httpUrl}/orders`, { method: 'POST' }).then((r) => r.json() as Promise<{ id: string }>);
        expect((await complete()).messages[0].value).toEqual({ type: 'order.created', orderId: created.id, total: 42 });
      }
    });

    it('server down: names the endpoint and the refusal', async () => {
      const port = await closedPort();
      await expect(step.run(ctx({}, { resourceUrl: `ws://127.0.0.1:${port}/events` }))).rejects.toThrow(`cannot connect to ws://127.0.0.1:${port}/events: connection refused (is the server running?)`);
    });

    it('handshake refused with 401: status, hint and body in the error', async () => {
      const outcome = step.run(ctx({}, { headers: { Authorization: 'Bearer nope' } }));
      await expect(outcome).rejects.toThrow(StepError);
      await expect(outcome).rejects.toThrow(
        `WebSocket handshake with ${target.wsUrl}/events refused: the server answered 401 Unauthorized instead of 101 Switching Protocols (check the resource's handshake headers: token, cookie): bad token`,
      );
    });

    it('nothing matching within timeoutMs: counts in the error, connection closed', async () => {
      const started = Date.now();
      await expect(step.run(ctx({ send: ['noise'], timeoutMs: 600, searchPattern: { matchType: 'jsonpath', pattern: '$.orderId' } }))).rejects.toThrow(
        `no message on WebSocket ${target.wsUrl}/events matched JSONPath $.orderId within 600 ms; received 2, none matched`,
      );
      expect(Date.now() - started).toBeLessThan(3000);
    });

    // The server's first message comes with the handshake answer: it is counted (scanned 1), not lost.
    it('server closes early: close code, its meaning and reason in the error', async () => {
      await expect(step.run(ctx({ timeoutMs: 5000, searchPattern: { matchType: 'contains', pattern: 'never' } }, { path: '/close-early' }))).rejects.toThrow(
        `the server closed the WebSocket ${target.wsUrl}/close-early before the search ended: code 1011 (internal error), reason "backend exploded" (scanned 1 message, 0 matched)`,
      );
    });

    it('a message above the size limit fails the step instead of filling memory', async () => {
      await expect(step.run(ctx({ timeoutMs: 5000 }, { path: '/big' }))).rejects.toThrow(`the WebSocket ${target.wsUrl}/big failed: a message exceeded the 1048576-byte limit`);
    });

    it('expect "none": passes after a silent window, fails at once with the offending message', async () => {
      const quiet = await step.run(ctx({ send: ['noise'], timeoutMs: 500, expect: 'none', searchPattern: { matchType: 'contains', pattern: 'refund' } }, { timeoutMs: 3000 }));
      expect(quiet).toMatchObject({ matchedCount: 0, scannedCount: 2, messages: [] });
      const started = Date.now();
      const loud = step.run(ctx({ send: ['noise'], timeoutMs: 5000, expect: 'none', searchPattern: { matchType: 'contains', pattern: 'noise 2' } }, { timeoutMs: 8000 }));
      await expect(loud).rejects.toThrow(`expected no message on WebSocket ${target.wsUrl}/events that contained "noise 2", but found: {"value":"noise 2"`);
      expect(Date.now() - started).toBeLessThan(2000);
      await expect(loud).rejects.toMatchObject({ details: { final: true, result: { matchedCount: 1 } } });
    });

    it('subprotocols: the chosen one is in the result; none accepted is a clear error', async () => {
      expect((await step.run(ctx({ subprotocols: ['orders.v2', 'orders.v1'], send: ['ping'], timeoutMs: 3000, searchPattern: { matchType: 'contains', pattern: 'pong' } }))).subprotocol).toBe('orders.v2');
      await expect(step.run(ctx({ subprotocols: ['refused.v1'] }))).rejects.toThrow(`cannot connect to ${target.wsUrl}/events: the server accepted none of the requested subprotocols`);
    });

    it('cancel closes the connection during the window and during the handshake; handshake timeout is named', async () => {
      const c = ctx({ timeoutMs: 10_000, searchPattern: { matchType: 'contains', pattern: 'never' } });
      const complete = await step.prepare(c);
      expect(step.openConnectionCount()).toBe(1);
      c.abort(new Error('execution cancelled'));
      await expect(complete()).rejects.toThrow('subscription to WebSocket ' + `${target.wsUrl}/events cancelled (execution cancelled)`);

      // A server that accepts TCP and never answers the handshake. It reads, so it sees each client hang up;
      // server.close() leaves accepted connections open, so they are destroyed here, not left to the process.
      const hungUp: Array<Promise<void>> = [];
      const accepted: net.Socket[] = [];
      const silent = net.createServer((socket) => {
        accepted.push(socket);
        hungUp.push(new Promise((resolve) => socket.once('end', resolve)));
        socket.resume();
      });
      await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
      const url = `ws://127.0.0.1:${(silent.address() as net.AddressInfo).port}/`;
      try {
        const hanging = ctx({}, { resourceUrl: url });
        const outcome = step.run(hanging);
        setTimeout(() => hanging.abort(new Error('execution cancelled')), 200);
        await expect(outcome).rejects.toThrow(`connecting to ${url} aborted: execution cancelled`);
        await expect(step.run(ctx({ connectTimeoutMs: 300 }, { resourceUrl: url }))).rejects.toThrow(`cannot connect to ${url}: no handshake answer within 300 ms`);
        // Neither attempt leaves its connection open: the server sees both close.
        expect(hungUp).toHaveLength(2);
        let timer: NodeJS.Timeout | undefined;
        const seen = await Promise.race([Promise.all(hungUp).then(() => 'closed'), new Promise((resolve) => (timer = setTimeout(resolve, 2000, 'still open')))]);
        clearTimeout(timer);
        expect(seen).toBe('closed');
      } finally {
        for (const socket of accepted) socket.destroy();
        silent.close();
      }
    });

    it('connects only where the egress policy allows (deny-private refuses loopback), step and connection test alike', async () => {
      const guarded = new WebSocketStep(testEgress({ EGRESS_DEFAULT: 'deny-private' }));
      try {
        await expect(guarded.run(ctx({}))).rejects.toThrow(/egress refused/);
      } finally {
        await guarded.onModuleDestroy();
      }
      const tester = new WebSocketConnectionTester();
      await expect(
        tester.test({ url: `${target.wsUrl}/events`, headers: { Authorization: TOKEN }, tlsVerify: true, connectTimeoutMs: 2000 }, { signal: AbortSignal.timeout(5000), timeoutMs: 5000, egress: testEgress({ EGRESS_DEFAULT: 'deny-private' }) }),
      ).rejects.toThrow(/egress refused/);
    });
  });
});
