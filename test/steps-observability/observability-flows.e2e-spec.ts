import { randomBytes } from 'node:crypto';
import { io } from 'socket.io-client';
import { createResource } from '../resources/resource-helpers';
import { buildFixture } from '../infra/prometheus/prometheus-fixture';
import { startFakeLoki, type FakeLoki } from '../support/fake-loki-server';
import { createFlow, noRetry, runFlow, waitForExecution } from '../support/flow-helpers';
import { json, startHttpTarget } from '../support/http-target';
import { API, ownerWithTeam, type TestUser } from '../support/identity-helpers';
import { startTestApp, type TestApp } from '../support/test-app';
import { testPrometheusNowSec, testPrometheusUrl } from '../support/test-env';

/**
 * Loki and Prometheus steps in flows through the API: resources, flow validation, the engine's
 * substitution, retries and assertions, against the Loki contract fake and the real Prometheus.
 */
describe('observability steps in flows (API → queue → worker)', () => {
  const TENANT = 'team-orders';
  let t: TestApp;
  let user: TestUser;
  let teamId: string;
  let loki: FakeLoki;
  let target: Awaited<ReturnType<typeof startHttpTarget>>;
  let lokiId: string;
  let prometheusId: string;

  beforeAll(async () => {
    t = await startTestApp('observability');
    ({ user, teamId } = await ownerWithTeam(t, 'observability'));
    loki = await startFakeLoki({ requireTenant: TENANT });
    // The system under test: accepts an order and logs it a little later, as a background consumer would.
    target = await startHttpTarget({
      'POST /orders': (_req, _body, res) => {
        const id = `o-${randomBytes(3).toString('hex')}`;
        setTimeout(() => loki.push({ app: 'orders-api', env: 'e2e' }, [{ line: `order ${id} status="PAID"` }]), 700);
        json(res, 201, { id });
      },
    });
    lokiId = await createResource(t, user, teamId, { name: 'loki', type: 'loki', config: { url: loki.url, tenant: TENANT } });
    prometheusId = await createResource(t, user, teamId, { name: 'prometheus', type: 'prometheus', config: { url: testPrometheusUrl() } });
  });
  afterAll(async () => {
    await t?.close();
    await target?.close();
    await loki?.close();
  });

  it('waits for a log line with retries until the assertion matchCount gte 1 holds', async () => {
    const flowId = await createFlow(t, user, teamId, {
      name: 'order-is-logged',
      steps: [
        noRetry({ name: 'create', type: 'http', config: { url: `${target.url}/orders`, method: 'POST', body: { sku: 'A-1' } }, assertions: [{ path: 'status', operator: 'equals', expected: 201 }] }),
        {
          name: 'logged',
          type: 'loki',
          config: {
            resourceId: lokiId,
            labels: { app: 'orders-api', env: 'e2e' },
            containsPatterns: ['order ${create.response.body.id} ', 'status="PAID"'],
            relative: 'flow',
          },
          assertions: [{ path: 'matchCount', operator: 'gte', expected: 1 }],
          retry: { maxRetries: 20, initialDelayMs: 100, backoffMultiplier: 1.5, maxDelayMs: 300 },
        },
      ],
    });
    const done = await waitForExecution(t, user, teamId, (await runFlow(t, user, teamId, flowId)).id);
    expect(done.status).toBe('COMPLETED');
    const [create, logged] = done.steps;
    const orderId = create.response.body.id;
    expect(logged.status).toBe('SUCCESS');
    expect(logged.attempts).toBeGreaterThan(1); // the line appeared ~700 ms after the order
    expect(logged.response.matchCount).toBe(1);
    expect(logged.response.logLines[0]).toMatchObject({ line: `order ${orderId} status="PAID"`, labels: { app: 'orders-api', env: 'e2e' } });
    expect(logged.response.query).toBe(`{app="orders-api", env="e2e"} |= "order ${orderId} " |= "status=\\"PAID\\""`);
    expect(logged.assertions[0]).toMatchObject({ path: 'matchCount', passed: true, actual: 1 });
    expect(loki.requests.every((r) => r.tenant === TENANT)).toBe(true);
  });

  it("stores what the step logs (ctx.log) with the step, and sends it in the live stream's step update", async () => {
    const flowId = await createFlow(t, user, teamId, {
      name: 'logs-its-query',
      steps: [
        // The streams below are open before the Loki step finishes.
        noRetry({ name: 'pause', type: 'delay', config: { delayMs: 1500 } }),
        noRetry({ name: 'search', type: 'loki', config: { resourceId: lokiId, labels: { app: 'orders-api', env: 'e2e' }, containsPatterns: ['never-logged'], relative: '5m' } }),
      ],
    });
    const run = await runFlow(t, user, teamId, flowId);
    const sse = fetch(`${t.url}${API}/teams/${teamId}/executions/${run.id}/events`, { headers: user.auth }).then((res) => res.text());
    const socket = io(`${t.url}/executions`, { auth: { token: user.accessToken }, transports: ['websocket'], reconnection: false });
    const socketUpdates: any[] = [];
    const socketDone = new Promise<void>((resolve) =>
      socket.on('update', (update) => {
        socketUpdates.push(update);
        if (update.updateType === 'EXECUTION_FINISHED') resolve();
      }),
    );
    try {
      expect(await socket.emitWithAck('join', { executionId: run.id })).toEqual({ ok: true });
      const done = await waitForExecution(t, user, teamId, run.id);
      expect(done.status).toBe('COMPLETED');
      const search = done.steps[1];
      expect(search.logs).toEqual([expect.stringMatching(/^LogQL \{app="orders-api", env="e2e"\} \|= "never-logged" from \d{4}-\d\d-\d\dT.* to \d{4}-\d\d-\d\dT/)]);
      expect(done.steps[0].logs).toBeNull(); // a step that logs nothing stores nothing

      await socketDone;
      const socketFinish = socketUpdates.find((u) => u.updateType === 'STEP_FINISHED' && u.stepUpdate.name === 'search');
      expect(socketFinish.stepUpdate.logs).toEqual(search.logs);
      expect(socketUpdates.find((u) => u.updateType === 'STEP_FINISHED' && u.stepUpdate.name === 'pause').stepUpdate).not.toHaveProperty('logs');

      const events = (await sse).split('\n\n').filter(Boolean).map((block) => Object.fromEntries(block.split('\n').map((l) => [l.slice(0, l.indexOf(':')), l.slice(l.indexOf(':') + 1).trim()])));
      const sseFinish = events.map((e) => (e.data ? JSON.parse(e.data) : {})).find((u) => u.updateType === 'STEP_FINISHED' && u.stepUpdate.name === 'search');
      expect(sseFinish.stepUpdate.logs).toEqual(search.logs);
    } finally {
      socket.disconnect();
    }
  });

  it('refuses to save a Loki step without a usable label selector, naming the field', async () => {
    const res = await t.http
      .post(`${API}/teams/${teamId}/flows`)
      .set(user.auth)
      .send({ name: 'no-selector', steps: [noRetry({ name: 'logs', type: 'loki', config: { resourceId: lokiId, labels: {}, relative: 'soon' } })] })
      .expect(400);
    const fields = res.body.details.problems.map((p: { field: string }) => p.field);
    expect(fields).toEqual(expect.arrayContaining(['/steps/0/config/labels', '/steps/0/config/relative']));
  });

  it('compares two Prometheus windows and asserts comparison.anomalyDetected equals true', async () => {
    const { windows } = buildFixture(testPrometheusNowSec());
    const flowId = await createFlow(t, user, teamId, {
      name: 'queue-depth-regression',
      variables: [{ name: 'queue', type: 'string', default: 'emails' }],
      steps: [
        noRetry({
          name: 'queueDepth',
          type: 'prometheus',
          config: {
            resourceId: prometheusId,
            query: 'queue_depth{queue=$queue}',
            labelValues: { queue: '${queue}' },
            duration1: { startTime: windows.A.start * 1000, endTime: windows.A.end * 1000 },
            duration2: { startTime: windows.B.start * 1000, endTime: windows.B.end * 1000 },
            threshold: 20,
          },
          assertions: [{ path: 'comparison.anomalyDetected', operator: 'equals', expected: true }],
        }),
      ],
    });
    const emails = await waitForExecution(t, user, teamId, (await runFlow(t, user, teamId, flowId)).id);
    expect(emails.status).toBe('COMPLETED');
    expect(emails.steps[0].response.query).toBe('queue_depth{queue="emails"}');
    expect(emails.steps[0].response.comparison).toMatchObject({ baselineValue: 100, currentValue: 130, anomalyDetected: true });

    // +5 % on the sms queue: no anomaly, so the assertion fails and says what it saw.
    const sms = await waitForExecution(t, user, teamId, (await runFlow(t, user, teamId, flowId, { variables: [{ name: 'queue', value: 'sms' }] })).id);
    expect(sms.status).toBe('FAILED');
    expect(sms.steps[0].assertions[0]).toMatchObject({ path: 'comparison.anomalyDetected', passed: false, actual: false, expected: true });
  });
});
