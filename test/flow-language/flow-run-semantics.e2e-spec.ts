import { randomBytes } from 'node:crypto';
import { Kafka, logLevel, type Producer } from 'kafkajs';
import { io, type Socket } from 'socket.io-client';
import { createFlow, runFlow, waitForExecution } from '../support/flow-helpers';
import { json, startHttpTarget } from '../support/http-target';
import { API, ownerWithTeam, type TestUser } from '../support/identity-helpers';
import { xmllint } from '../support/junit-xmllint';
import { startTestApp, type TestApp } from '../support/test-app';
import { TEST_KAFKA_BROKERS } from '../support/test-env';

jest.setTimeout(60_000);

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/**
 * Flow language v2 run semantics (#16 items 1, 2, 4) through the API, the queue, the worker and real
 * services: background steps that are waited for, deferred match on Kafka (the README's signature
 * flow), background outcomes recorded after a failure, verdicts (allowFailure, continueOnFailure,
 * no implicit retries, flow defaults.retry), per-run variable defaults and `when` conditions.
 */
describe('flow run semantics (API → worker → HTTP target, Kafka)', () => {
  const run = randomBytes(4).toString('hex');
  const ordersTopic = `ats-fl-${run}-orders`;
  const silentTopic = `ats-fl-${run}-silent`;
  let t: TestApp;
  let user: TestUser;
  let teamId: string;
  let kafkaId: string;
  let target: Awaited<ReturnType<typeof startHttpTarget>>;
  const kafka = new Kafka({ brokers: TEST_KAFKA_BROKERS, logLevel: logLevel.NOTHING });
  const admin = kafka.admin();
  let producer: Producer;
  const received: unknown[] = [];
  const sockets: Socket[] = [];
  let orderSeq = 0;

  beforeAll(async () => {
    t = await startTestApp('flow_run_semantics');
    ({ user, teamId } = await ownerWithTeam(t, 'run-semantics'));
    await admin.connect();
    producer = kafka.producer();
    await producer.connect();
    // The system under test: creates an order, announces another order first, then this one.
    target = await startHttpTarget({
      'POST /orders': async (_req, _body, res) => {
        const id = `order-${run}-${++orderSeq}`;
        await producer.send({ topic: ordersTopic, messages: [{ value: JSON.stringify({ orderId: `other-${id}`, status: 'CREATED' }) }] });
        await producer.send({ topic: ordersTopic, messages: [{ key: id, value: JSON.stringify({ orderId: id, status: 'CREATED' }) }] });
        json(res, 201, { id });
      },
      'GET /slow': async (_req, _body, res) => {
        await new Promise((resolve) => setTimeout(resolve, 1500));
        json(res, 200, { token: `tok-${run}` });
      },
      'GET /echo': (req, _body, res) => json(res, 200, Object.fromEntries(new URL(req.url!, 'http://x').searchParams)),
      'POST /echo': (_req, body, res) => {
        received.push(JSON.parse(body));
        json(res, 200, JSON.parse(body));
      },
      'GET /amount': (_req, _body, res) => json(res, 200, { amount: 150 }),
      'GET /eu-only': (_req, _body, res) => json(res, 200, { ok: true }),
      'GET /fail': (_req, _body, res) => json(res, 503, { error: 'down' }),
      'POST /payments': (_req, _body, res) => json(res, 401, { error: 'unauthorised' }),
    });
    kafkaId = (await t.http.post(`${API}/teams/${teamId}/resources`).set(user.auth).send({ name: 'kafka', type: 'kafka', config: { brokers: TEST_KAFKA_BROKERS } }).expect(201)).body.id;
  });

  afterAll(async () => {
    sockets.forEach((s) => s.disconnect());
    await t.close();
    await target.close();
    await producer.disconnect();
    await admin.deleteTopics({ topics: [ordersTopic, silentTopic] }).catch(() => undefined);
    await admin.disconnect();
  });

  const runAndWait = async (flowId: string, body: Record<string, unknown> = {}) => waitForExecution(t, user, teamId, (await runFlow(t, user, teamId, flowId, body)).id);
  const stepOf = (execution: any, name: string) => execution.steps.find((s: any) => s.name === name);
  const postFlow = (flow: Record<string, unknown>) => t.http.post(`${API}/teams/${teamId}/flows`).set(user.auth).send(flow);

  /** Joins the execution's live stream (Socket.IO) and collects its updates until it finishes. */
  async function watch(executionId: string): Promise<{ snapshot: any; updates: any[] }> {
    const socket = io(`${t.url}/executions`, { auth: { token: user.accessToken }, transports: ['websocket'], reconnection: false });
    sockets.push(socket);
    await new Promise<void>((resolve, reject) => {
      socket.on('connect', () => resolve());
      socket.on('connect_error', reject);
    });
    const updates: any[] = [];
    let snapshot: any;
    const finished = new Promise<void>((resolve) => {
      socket.on('snapshot', (data) => {
        snapshot = data;
        if (['COMPLETED', 'FAILED', 'CANCELLED'].includes(data.status)) resolve();
      });
      socket.on('update', (data) => {
        updates.push(data);
        if (data.updateType === 'EXECUTION_FINISHED') resolve();
      });
    });
    expect(await socket.emitWithAck('join', { executionId })).toEqual({ ok: true });
    await finished;
    socket.disconnect();
    return { snapshot, updates };
  }

  describe('background steps', () => {
    it('runs the README signature flow: subscribe, trigger, match only the message carrying the id the trigger returned', async () => {
      const flowId = await createFlow(t, user, teamId, {
        name: 'signature',
        steps: [
          {
            name: 'event',
            type: 'kafka-subscribe',
            runInBackground: true,
            config: { resourceId: kafkaId, topic: ordersTopic, timeoutMs: 15_000, searchPattern: { matchType: 'jsonpath', pattern: "$[?(@.orderId == '${trigger.response.body.id}')]" } },
          },
          { name: 'trigger', type: 'http', config: { url: `${target.url}/orders`, method: 'POST' }, assertions: [{ path: 'status', operator: 'equals', expected: 201 }] },
          // Reads the background step: waits for it.
          { name: 'confirm', type: 'http', config: { url: `${target.url}/echo?orderId=\${event.response.messages[0].value.orderId}` } },
        ],
      });
      const done = await runAndWait(flowId);
      expect(done.status).toBe('COMPLETED');
      const id = stepOf(done, 'trigger').response.body.id;
      const event = stepOf(done, 'event');
      expect(event).toMatchObject({ status: 'SUCCESS', attempts: 1, response: { matchedCount: 1, messages: [{ key: id, value: { orderId: id } }] } });
      expect(event.response.scannedCount).toBeGreaterThanOrEqual(2); // the other order's message came first
      expect(event.request.searchPattern.pattern).toBe(`$[?(@.orderId == '${id}')]`);
      expect(stepOf(done, 'confirm').response.body).toEqual({ orderId: id });
    });

    it('ends a deferred-match step SKIPPED, saying why, when the step it matches on fails', async () => {
      const flowId = await createFlow(t, user, teamId, {
        name: 'signature, trigger fails',
        steps: [
          {
            name: 'event',
            type: 'kafka-subscribe',
            runInBackground: true,
            timeoutMs: 30_000,
            config: { resourceId: kafkaId, topic: ordersTopic, timeoutMs: 25_000, searchPattern: { matchType: 'exact', pattern: '${trigger.response.body.id}' } },
          },
          { name: 'trigger', type: 'http', config: { url: `${target.url}/fail` }, assertions: [{ path: 'status', operator: 'equals', expected: 201 }] },
        ],
      });
      const done = await runAndWait(flowId);
      expect(done.status).toBe('FAILED');
      expect(done.error).toContain('step "trigger" failed');
      expect(stepOf(done, 'event')).toMatchObject({ status: 'SKIPPED', error: 'skipped: step "trigger" it matches on failed' });
      // The subscription was ended then, not at its 25 s timeout.
      expect(stepOf(done, 'event').durationMs).toBeLessThan(15_000);
    });

    it('allows forward references only in a background step\'s late field, and says so elsewhere', async () => {
      const refused = await postFlow({
        name: 'forward reference',
        steps: [
          { name: 'early', type: 'http', config: { url: `${target.url}/echo?id=\${trigger.response.body.id}` } },
          { name: 'trigger', type: 'http', config: { url: `${target.url}/orders`, method: 'POST' } },
        ],
      });
      expect(refused.status).toBe(400);
      expect(refused.body.details.problems).toEqual([
        expect.objectContaining({ pointer: '/steps/0/config/url', message: expect.stringMatching(/forward references are allowed only in a background step's .*kafka-subscribe config\.searchPattern.*nats-subscribe config\.searchPattern/) }),
      ]);
      const waitsTooEarly = await postFlow({
        name: 'deadlock',
        steps: [
          { name: 'event', type: 'kafka-subscribe', runInBackground: true, config: { resourceId: kafkaId, topic: ordersTopic, searchPattern: { matchType: 'exact', pattern: '${trigger.response.body.id}' } } },
          { name: 'reader', type: 'http', config: { url: `${target.url}/echo?n=\${event.response.matchedCount}` } },
          { name: 'trigger', type: 'http', config: { url: `${target.url}/orders`, method: 'POST' } },
        ],
      });
      expect(waitsTooEarly.status).toBe(400);
      expect(waitsTooEarly.body.details.problems[0]).toMatchObject({ pointer: '/steps/1/config/url', message: expect.stringContaining('would wait for background step "event", which waits for "trigger"') });
    });

    it('makes a step that reads a background step wait for it, and shows the wait on the live stream', async () => {
      const flowId = await createFlow(t, user, teamId, {
        name: 'wait for background',
        steps: [
          // Leaves time to join the stream before the wait begins.
          { name: 'settle', type: 'delay', config: { delayMs: 1000 } },
          { name: 'bg', type: 'http', runInBackground: true, config: { url: `${target.url}/slow` } },
          { name: 'use', type: 'http', config: { url: `${target.url}/echo?token=\${bg.response.body.token}` }, assertions: [{ path: 'body.token', operator: 'equals', expected: `tok-${run}` }] },
        ],
      });
      const started = await runFlow(t, user, teamId, flowId);
      const { updates } = await watch(started.id);
      const done = await waitForExecution(t, user, teamId, started.id);
      expect(done.status).toBe('COMPLETED');
      expect(done.steps.map((s: any) => s.status)).toEqual(['SUCCESS', 'SUCCESS', 'SUCCESS']);
      const waiting = updates.find((u) => u.updateType === 'STEP_STARTED' && u.stepUpdate.name === 'use' && u.stepUpdate.waitingFor);
      expect(waiting?.stepUpdate).toMatchObject({ status: 'IN_PROGRESS', waitingFor: ['bg'] });
      const order = updates.filter((u) => u.updateType === 'STEP_FINISHED').map((u) => u.stepUpdate.name);
      expect(order).toEqual(['settle', 'bg', 'use']);
    });

    it('records a background subscription\'s timeout after an earlier foreground failure (API and JUnit)', async () => {
      const flowId = await createFlow(t, user, teamId, {
        name: 'background timeout after failure',
        steps: [
          { name: 'event', type: 'kafka-subscribe', runInBackground: true, config: { resourceId: kafkaId, topic: silentTopic, timeoutMs: 1500 } },
          { name: 'boom', type: 'http', config: { url: `${target.url}/fail` }, assertions: [{ path: 'status', operator: 'equals', expected: 200 }] },
          { name: 'never', type: 'delay', config: { delayMs: 1 } },
        ],
      });
      const done = await runAndWait(flowId);
      expect(done.status).toBe('FAILED');
      expect(done.error).toContain('step "boom" failed'); // the first failure is the verdict
      const event = stepOf(done, 'event');
      expect(event.status).toBe('ERROR');
      expect(event.attempts).toBeGreaterThanOrEqual(1);
      expect(event.error).toContain(`no message on topic "${silentTopic}"`);
      expect(stepOf(done, 'never').status).toBe('SKIPPED');
      const xml = await t.http.get(`${API}/teams/${teamId}/executions/${done.id}/report.xml`).set(user.auth).expect(200);
      expect(xmllint(xml.text)).toEqual({ valid: true, output: '' });
      expect(xml.text).toContain(`[ERROR] #1 event (kafka-subscribe)`);
      expect(xml.text).toContain(`no message on topic &quot;${silentTopic}&quot;`.replace(/&quot;/g, '"'));
    });
  });

  describe('verdicts', () => {
    it('reports a failure allowed by allowFailure as a warning: COMPLETED, warning on the step, in the stream and in JUnit', async () => {
      const flowId = await createFlow(t, user, teamId, {
        name: 'allowed failure',
        steps: [
          { name: 'settle', type: 'delay', config: { delayMs: 1000 } },
          { name: 'optional', type: 'http', allowFailure: true, config: { url: `${target.url}/fail` }, assertions: [{ path: 'status', operator: 'equals', expected: 200 }] },
          { name: 'after', type: 'delay', config: { delayMs: 1 } },
        ],
      });
      const started = await runFlow(t, user, teamId, flowId);
      const { updates } = await watch(started.id);
      const done = await waitForExecution(t, user, teamId, started.id);
      expect(done).toMatchObject({ status: 'COMPLETED', warnings: 1, error: null });
      expect(done.steps.map((s: any) => [s.name, s.status, s.warning])).toEqual([
        ['settle', 'SUCCESS', false],
        ['optional', 'ERROR', true],
        ['after', 'SUCCESS', false],
      ]);
      expect(updates.find((u) => u.updateType === 'STEP_FINISHED' && u.stepUpdate.name === 'optional')?.stepUpdate).toMatchObject({ status: 'ERROR', warning: true });
      const xml = await t.http.get(`${API}/teams/${teamId}/executions/${done.id}/report.xml`).set(user.auth).expect(200);
      expect(xmllint(xml.text)).toEqual({ valid: true, output: '' });
      expect(xml.text).toContain('failures="0" errors="0"');
      expect(xml.text).toContain('warning: step "optional" (http) failed, allowed by allowFailure: assertion failed');
    });

    it('fails the execution when a continueOnFailure step failed, after running the rest', async () => {
      const flowId = await createFlow(t, user, teamId, {
        name: 'continue but fail',
        steps: [
          { name: 'optional', type: 'http', continueOnFailure: true, config: { url: `${target.url}/fail` }, assertions: [{ path: 'status', operator: 'equals', expected: 200 }] },
          { name: 'after', type: 'delay', config: { delayMs: 1 } },
        ],
      });
      const done = await runAndWait(flowId);
      expect(done).toMatchObject({ status: 'FAILED', warnings: 0 });
      expect(done.error).toContain('step "optional" failed');
      expect(done.steps.map((s: any) => s.status)).toEqual(['ERROR', 'SUCCESS']);
    });

    it('does not retry unless the step or the flow\'s defaults.retry asks for it', async () => {
      const pay = (extra: Record<string, unknown> = {}) => ({ name: 'pay', type: 'http', config: { url: `${target.url}/payments`, method: 'POST' }, assertions: [{ path: 'status', operator: 'equals', expected: 200 }], ...extra });
      const hits = () => target.hits['POST /payments'] ?? 0;

      let before = hits();
      const once = await runAndWait(await createFlow(t, user, teamId, { name: 'no implicit retry', steps: [pay()] }));
      expect(stepOf(once, 'pay')).toMatchObject({ status: 'ERROR', attempts: 1 });
      expect(hits() - before).toBe(1);

      before = hits();
      const defaults = { retry: { maxRetries: 2, initialDelayMs: 10, maxDelayMs: 20 } };
      const byFlow = await runAndWait(await createFlow(t, user, teamId, { name: 'flow retry', defaults, steps: [pay()] } as never));
      expect(stepOf(byFlow, 'pay').attempts).toBe(3);
      expect(hits() - before).toBe(3);

      before = hits();
      const stepWins = await runAndWait(await createFlow(t, user, teamId, { name: 'step opts out', defaults, steps: [pay({ retry: { maxRetries: 0 } })] } as never));
      expect(stepOf(stepWins, 'pay').attempts).toBe(1);
      expect(hits() - before).toBe(1);

      const flow = await t.http.get(`${API}/teams/${teamId}/flows/${byFlow.flowId}`).set(user.auth).expect(200);
      expect(flow.body.defaults).toEqual(defaults);
      // Changing only the defaults makes a version, and the diff says so.
      const patched = await t.http.patch(`${API}/teams/${teamId}/flows/${byFlow.flowId}`).set(user.auth).send({ defaults: { retry: { maxRetries: 1 } } }).expect(200);
      expect(patched.body).toMatchObject({ version: 2, defaults: { retry: { maxRetries: 1 } } });
      const diff = await t.http.get(`${API}/teams/${teamId}/flows/${byFlow.flowId}/diff`).set(user.auth).expect(200);
      expect(diff.body).toMatchObject({ defaultsChanged: true, identical: false });
    });

    it('evaluates function defaults of variables once per run and stores the values', async () => {
      const flowId = await createFlow(t, user, teamId, {
        name: 'variable defaults',
        variables: [
          { name: 'orderId', type: 'string', default: '${uuid()}' },
          { name: 'createdAt', type: 'string', default: '${now()}' },
        ],
        steps: [{ name: 'send', type: 'http', config: { url: `${target.url}/echo`, method: 'POST', body: { id: '${orderId}', again: '${orderId}', at: '${createdAt}' } } }],
      });
      const first = await runAndWait(flowId);
      const second = await runAndWait(flowId);
      expect(first.status).toBe('COMPLETED');
      expect(first.variables.orderId).toMatch(UUID);
      expect(Date.parse(first.variables.createdAt)).not.toBeNaN();
      expect(second.variables.orderId).not.toBe(first.variables.orderId);
      expect(stepOf(first, 'send').response.body).toEqual({ id: first.variables.orderId, again: first.variables.orderId, at: first.variables.createdAt });
      expect(received).toContainEqual({ id: second.variables.orderId, again: second.variables.orderId, at: second.variables.createdAt });

      const refused = await postFlow({ name: 'default reads a variable', variables: [{ name: 'a', type: 'string' }, { name: 'b', type: 'string', default: '${a}-x' }], steps: [] });
      expect(refused.status).toBe(400);
      expect(refused.body.details.problems[0]).toMatchObject({ pointer: '/variables/1/default', message: expect.stringContaining('a default can only call functions') });
    });
  });

  describe('when conditions', () => {
    const flow = () => ({
      name: `conditions ${randomBytes(3).toString('hex')}`,
      variables: [{ name: 'region', type: 'string', default: 'us' }],
      steps: [
        { name: 'order', type: 'http', config: { url: `${target.url}/amount` } },
        { name: 'euOnly', type: 'http', when: "${order.response.body.amount} > 100 && ${region} == 'eu'", config: { url: `${target.url}/eu-only` } },
        { name: 'big', type: 'http', when: '${order.response.body.amount} >= 150 || ${region} in ["eu", "uk"]', config: { url: `${target.url}/echo?big=yes` } },
        { name: 'afterSkip', type: 'delay', when: "${euOnly.status} == 'SKIPPED'", config: { delayMs: 1 } },
        { name: 'readsSkipped', type: 'http', allowFailure: true, config: { url: `${target.url}/echo?ok=\${euOnly.response.body.ok}` } },
      ],
    });

    it('skips a step whose condition is false, showing the evaluated condition, and fails a read of its response clearly', async () => {
      const euHits = target.hits['GET /eu-only'] ?? 0;
      const done = await runAndWait(await createFlow(t, user, teamId, flow()));
      expect(done).toMatchObject({ status: 'COMPLETED', warnings: 1 });
      expect(stepOf(done, 'euOnly')).toMatchObject({ status: 'SKIPPED', attempts: 0, error: `condition false: 150 > 100 && "us" == 'eu'` });
      expect(target.hits['GET /eu-only'] ?? 0).toBe(euHits);
      expect(stepOf(done, 'big').status).toBe('SUCCESS');
      expect(stepOf(done, 'afterSkip').status).toBe('SUCCESS');
      expect(stepOf(done, 'readsSkipped')).toMatchObject({ status: 'ERROR', warning: true });
      expect(stepOf(done, 'readsSkipped').error).toContain('${euOnly.response.body.ok}: step "euOnly" has no value at "response.body.ok"');
    });

    it('runs the step when its condition holds', async () => {
      const done = await runAndWait(await createFlow(t, user, teamId, flow()), { variables: [{ name: 'region', value: 'eu' }] });
      expect(done.status).toBe('COMPLETED');
      expect(done.steps.map((s: any) => [s.name, s.status])).toEqual([
        ['order', 'SUCCESS'],
        ['euOnly', 'SUCCESS'],
        ['big', 'SUCCESS'],
        ['afterSkip', 'SKIPPED'],
        ['readsSkipped', 'SUCCESS'],
      ]);
      expect(stepOf(done, 'afterSkip').error).toBe(`condition false: "SUCCESS" == 'SKIPPED'`);
    });

    it('refuses a condition that does not parse, with its pointer and position', async () => {
      const res = await postFlow({ name: 'bad condition', steps: [{ name: 'a', type: 'delay', config: { delayMs: 1 } }, { name: 'b', type: 'delay', when: '${a.status} == ', config: { delayMs: 1 } }] });
      expect(res.status).toBe(400);
      expect(res.body.details.problems).toEqual([expect.objectContaining({ pointer: '/steps/1/when', message: 'when: expected a value, a ${...} reference or "(" at character 16' })]);
    });
  });
});
