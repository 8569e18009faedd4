import { randomBytes } from 'node:crypto';
import type { IncomingHttpHeaders } from 'node:http';
import { Kafka, logLevel } from 'kafkajs';
import { startFakeLoki, type FakeLoki } from '../support/fake-loki-server';
import { createFlow, noRetry, runFlow, waitForExecution } from '../support/flow-helpers';
import { json, startHttpTarget } from '../support/http-target';
import { API, ownerWithTeam, type TestUser } from '../support/identity-helpers';
import { startTestApp, type TestApp } from '../support/test-app';
import { TEST_KAFKA_BROKERS } from '../support/test-env';

jest.setTimeout(60_000);

const TRACEPARENT = /^00-([0-9a-f]{32})-([0-9a-f]{16})-01$/;

/**
 * Issue #16 item 6: a run is tied to what it causes. The system under test receives the run's
 * correlation id and a W3C traceparent over HTTP and on Kafka messages, a subscription keeps only the
 * messages this run caused, and a Loki query is scoped to the run's correlation id.
 */
describe('correlation: execution ids reach the system under test and scope what the flow reads', () => {
  const run = randomBytes(4).toString('hex');
  const topic = `ats-correlation-${run}`;
  let t: TestApp;
  let user: TestUser;
  let teamId: string;
  let loki: FakeLoki;
  let target: Awaited<ReturnType<typeof startHttpTarget>>;
  const received: Array<{ path: string; headers: IncomingHttpHeaders; body: unknown }> = [];
  const ids = { kafka: '', loki: '' };

  beforeAll(async () => {
    t = await startTestApp('correlation', { env: { TRACE_VIEWER_URL_TEMPLATE: 'https://jaeger.example/trace/{traceId}?from=ats' } });
    ({ user, teamId } = await ownerWithTeam(t, 'correlation'));
    loki = await startFakeLoki();
    target = await startHttpTarget({
      'POST /*': (req, body, res) => {
        received.push({ path: new URL(req.url!, 'http://x').pathname, headers: req.headers, body: body ? JSON.parse(body) : null });
        json(res, 201, { ok: true });
      },
    });
    const create = async (name: string, type: string, config: object) =>
      (await t.http.post(`${API}/teams/${teamId}/resources`).set(user.auth).send({ name, type, config }).expect(201)).body.id as string;
    ids.kafka = await create('kafka', 'kafka', { brokers: TEST_KAFKA_BROKERS });
    ids.loki = await create('loki', 'loki', { url: loki.url });
  });

  afterAll(async () => {
    await t?.close();
    await target?.close();
    await loki?.close();
    const admin = new Kafka({ brokers: TEST_KAFKA_BROKERS, logLevel: logLevel.NOTHING }).admin();
    await admin.connect();
    await admin.deleteTopics({ topics: [topic] }).catch(() => undefined);
    await admin.disconnect();
  });

  it('sends X-Correlation-Id and traceparent over HTTP (configurable, opt-out, step headers win) and shows the ids on the execution', async () => {
    const flowId = await createFlow(t, user, teamId, {
      name: 'http correlation',
      steps: [
        noRetry({
          name: 'plain',
          type: 'http',
          config: { url: `${target.url}/plain`, method: 'POST', body: { run: '${execution.id}', corr: '${execution.correlationId}', trace: '${execution.traceId}', at: '${execution.startedAt}' } },
        }),
        noRetry({ name: 'renamed', type: 'http', config: { url: `${target.url}/renamed`, method: 'POST', correlationHeader: 'X-Request-Id' } }),
        noRetry({ name: 'optedOut', type: 'http', config: { url: `${target.url}/opted-out`, method: 'POST', propagateCorrelation: false } }),
        noRetry({ name: 'own', type: 'http', config: { url: `${target.url}/own`, method: 'POST', headers: { 'x-correlation-id': 'set-by-step' } } }),
      ],
    });
    received.length = 0;
    const correlationId = `checkout-${run}`;
    const started = await runFlow(t, user, teamId, flowId, { correlationId });
    expect(started.correlationId).toBe(correlationId);
    const done = await waitForExecution(t, user, teamId, started.id);
    expect(done.status).toBe('COMPLETED');
    expect(done.correlationId).toBe(correlationId);
    expect(done.traceId).toMatch(/^(?!0{32})[0-9a-f]{32}$/);
    expect(done.links).toEqual({ trace: `https://jaeger.example/trace/${done.traceId}?from=ats` });
    // The live stream's snapshot shows the same (a finished execution's stream ends after it).
    const sse = await fetch(`${t.url}${API}/teams/${teamId}/executions/${done.id}/events`, { headers: user.auth });
    const snapshot = (await sse.text()).split('\n\n').find((block) => block.includes('event: snapshot'))!;
    expect(JSON.parse(/^data: (.*)$/m.exec(snapshot)![1])).toMatchObject({ correlationId, traceId: done.traceId, links: done.links });

    const byPath = Object.fromEntries(received.map((r) => [r.path, r]));
    const plain = byPath['/plain'];
    expect(plain.headers['x-correlation-id']).toBe(correlationId);
    expect(plain.headers.traceparent).toMatch(TRACEPARENT);
    expect(TRACEPARENT.exec(plain.headers.traceparent as string)![1]).toBe(done.traceId);
    expect(plain.body).toEqual({ run: done.id, corr: correlationId, trace: done.traceId, at: new Date(done.startedAt).toISOString() });

    expect(byPath['/renamed'].headers['x-request-id']).toBe(correlationId);
    expect(byPath['/renamed'].headers['x-correlation-id']).toBeUndefined();
    // Every request is its own span of the run's trace.
    expect(TRACEPARENT.exec(byPath['/renamed'].headers.traceparent as string)![2]).not.toBe(TRACEPARENT.exec(plain.headers.traceparent as string)![2]);

    expect(byPath['/opted-out'].headers['x-correlation-id']).toBeUndefined();
    expect(byPath['/opted-out'].headers.traceparent).toBeUndefined();
    expect(byPath['/own'].headers['x-correlation-id']).toBe('set-by-step');

    const steps = Object.fromEntries(done.steps.map((s: any) => [s.name, s.response]));
    expect(steps.plain.sent).toEqual({ correlationHeader: 'X-Correlation-Id', correlationId, traceparent: plain.headers.traceparent });
    expect(steps.renamed.sent).toMatchObject({ correlationHeader: 'X-Request-Id', correlationId });
    expect(steps.optedOut.sent).toBeUndefined();
    expect(steps.own.sent).toMatchObject({ correlationId: 'set-by-step' });
  });

  it('gives every run a fresh correlation id unless the request sets one, and refuses unsafe ones naming the field', async () => {
    const flowId = await createFlow(t, user, teamId, { name: 'ids', steps: [{ name: 'wait', type: 'delay', config: { delayMs: 1 } }] });
    const [a, b] = [await runFlow(t, user, teamId, flowId), await runFlow(t, user, teamId, flowId)];
    expect(a.correlationId).toMatch(/^[0-9a-f-]{36}$/);
    expect(a.correlationId).not.toBe(b.correlationId);
    expect(a.traceId).not.toBe(b.traceId);
    for (const correlationId of ['', 'has space', 'quote"d', 'x'.repeat(129)]) {
      const res = await t.http.post(`${API}/teams/${teamId}/flows/run`).set(user.auth).send({ flowId, correlationId }).expect(400);
      expect(res.body.details.problems.map((p: { field: string }) => p.field)).toEqual(['correlationId']);
    }
  });

  it('refuses unknown ${execution.*} fields at save, naming the known ones', async () => {
    const res = await t.http
      .post(`${API}/teams/${teamId}/flows`)
      .set(user.auth)
      .send({ name: 'bad', steps: [{ name: 'call', type: 'http', config: { url: 'http://127.0.0.1:1/${execution.status}' } }] })
      .expect(400);
    expect(JSON.stringify(res.body.details.problems)).toContain('execution.correlationId');
  });

  it('puts the ids on Kafka messages and a subscription keeps only the message this run caused (header match)', async () => {
    const flowId = await createFlow(t, user, teamId, {
      name: 'kafka correlation',
      steps: [
        noRetry({
          name: 'mine',
          type: 'kafka-subscribe',
          runInBackground: true,
          timeoutMs: 30_000,
          config: { resourceId: ids.kafka, topic, timeoutMs: 20_000, searchPattern: { matchType: 'header', header: 'x-correlation-id', pattern: '${execution.correlationId}' } },
          assertions: [{ path: 'messages[0].value.from', operator: 'equals', expected: 'this run' }],
        }),
        // Another run's message on the same topic, published first.
        noRetry({
          name: 'decoy',
          type: 'kafka-publish',
          config: { resourceId: ids.kafka, topic, propagateCorrelation: false, messages: [{ value: { from: 'someone else' }, headers: { 'X-Correlation-Id': 'other-run' } }] },
        }),
        noRetry({ name: 'publish', type: 'kafka-publish', config: { resourceId: ids.kafka, topic, messages: [{ key: 'k', value: { from: 'this run' } }] } }),
      ],
    });
    const started = await runFlow(t, user, teamId, flowId);
    const done = await waitForExecution(t, user, teamId, started.id, 45_000);
    expect(done.steps.map((s: any) => [s.name, s.status, s.error])).toEqual([
      ['mine', 'SUCCESS', null],
      ['decoy', 'SUCCESS', null],
      ['publish', 'SUCCESS', null],
    ]);
    const steps = Object.fromEntries(done.steps.map((s: any) => [s.name, s.response]));
    expect(steps.mine).toMatchObject({ matchedCount: 1, scannedCount: 2 });
    const headers = steps.mine.messages[0].headers;
    expect(headers['X-Correlation-Id']).toBe(done.correlationId);
    expect(headers.traceparent).toMatch(TRACEPARENT);
    expect(TRACEPARENT.exec(headers.traceparent)![1]).toBe(done.traceId);
    expect(steps.publish.messages[0].sent).toEqual({ correlationHeader: 'X-Correlation-Id', correlationId: done.correlationId, traceparent: headers.traceparent });
    expect(steps.decoy.messages[0].sent).toBeUndefined();
  });

  it('scopes a Loki query to the run: the correlation id arrives quoted in the LogQL and only this run\'s lines match', async () => {
    const correlationId = `loki-${run}`;
    loki.push({ app: 'orders' }, [
      { line: `order created correlationId=${correlationId}` },
      { line: 'order created correlationId=other-run' },
    ]);
    const flowId = await createFlow(t, user, teamId, {
      name: 'loki correlation',
      steps: [
        noRetry({
          name: 'logs',
          type: 'loki',
          config: { resourceId: ids.loki, labels: { app: 'orders' }, containsPatterns: ['correlationId=${execution.correlationId}'], relative: '1h' },
          assertions: [{ path: 'matchCount', operator: 'equals', expected: 1 }],
        }),
      ],
    });
    const before = loki.requests.length;
    const started = await runFlow(t, user, teamId, flowId, { correlationId });
    const done = await waitForExecution(t, user, teamId, started.id);
    expect([done.status, done.steps[0].error]).toEqual(['COMPLETED', null]);
    const queries = loki.requests.slice(before).map((r) => r.query).filter(Boolean);
    expect(queries).toContain(`{app="orders"} |= "correlationId=${correlationId}"`);
    expect(done.steps[0].response.logLines.map((l: any) => l.line)).toEqual([`order created correlationId=${correlationId}`]);
  });
});
