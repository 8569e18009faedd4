import { randomBytes, randomUUID } from 'node:crypto';
import { Kafka, logLevel, type Producer } from 'kafkajs';
import type { LokiResourceConfig } from '../../src/integrations/loki/loki-resource-config.dto';
import type { LokiStepConfig } from '../../src/integrations/loki/loki-step.config';
import { LokiStep } from '../../src/integrations/loki/loki.step';
import { StepError, type StepContext } from '../../src/steps/step-plugin';
import { testEgress } from '../steps/step-test-support';
import { closedPort } from '../support/closed-port';
import { startFakeLoki, type FakeLoki } from '../support/fake-loki-server';
import { createFlow, noRetry, runFlow, waitForExecution } from '../support/flow-helpers';
import { json, startHttpTarget } from '../support/http-target';
import { API, ownerWithTeam, type TestUser } from '../support/identity-helpers';
import { startTestApp, type TestApp } from '../support/test-app';
import { TEST_KAFKA_BROKERS } from '../support/test-env';

jest.setTimeout(90_000);

/**
 * Issue #16 item 3 against the real services: `holdFor` ("consistently") catches a value that flips
 * back, `expect: "none"` on kafka-subscribe passes on silence, fails on a matching message and errors
 * when the broker is down, and the loki step's `expect: "none"` waits its window out (Loki contract fake).
 */
describe('holdFor and expect "none" (API → worker → real services)', () => {
  const run = randomBytes(4).toString('hex');
  const topic = `ats-absence-${run}-orders`;
  let t: TestApp;
  let user: TestUser;
  let teamId: string;
  let producer: Producer;
  let target: Awaited<ReturnType<typeof startHttpTarget>>;
  const kafka = new Kafka({ brokers: TEST_KAFKA_BROKERS, logLevel: logLevel.NOTHING });
  const admin = kafka.admin();
  let kafkaId: string;
  let lokiId: string;
  let loki: FakeLoki;
  /** When the flipping order was first read: PAID for 1.5 s from then, REFUNDED after. */
  let flipStartedAt: number | undefined;

  const createResource = async (name: string, type: string, config: object): Promise<string> =>
    (await t.http.post(`${API}/teams/${teamId}/resources`).set(user.auth).send({ name, type, config }).expect(201)).body.id;
  const runToEnd = async (flowId: string, variables: Record<string, unknown> = {}) =>
    waitForExecution(t, user, teamId, (await runFlow(t, user, teamId, flowId, { variables: Object.entries(variables).map(([name, value]) => ({ name, value })) })).id, 60_000);

  beforeAll(async () => {
    t = await startTestApp('hold_and_absence');
    ({ user, teamId } = await ownerWithTeam(t, 'hold-absence'));
    producer = kafka.producer();
    await producer.connect();
    await admin.connect();
    await admin.createTopics({ topics: [{ topic }], waitForLeaders: true });
    target = await startHttpTarget({
      'GET /flipping/order': (_req, _body, res) => {
        flipStartedAt ??= Date.now();
        json(res, 200, { id: 'o-1', status: Date.now() - flipStartedAt < 1500 ? 'PAID' : 'REFUNDED' });
      },
      'GET /stable/order': (_req, _body, res) => json(res, 200, { id: 'o-2', status: 'PAID' }),
      // The system under test: announces the order it is asked to (a noise event first, as a busy topic has).
      'POST /orders': async (_req, body, res) => {
        const { orderId } = JSON.parse(body) as { orderId: string };
        await producer.send({ topic, messages: [{ value: JSON.stringify({ type: 'noise' }) }, { key: orderId, value: JSON.stringify({ orderId, status: 'CREATED' }) }] });
        json(res, 201, { id: orderId });
      },
    });
    kafkaId = await createResource('kafka', 'kafka', { brokers: TEST_KAFKA_BROKERS });
    loki = await startFakeLoki();
    lokiId = await createResource('loki', 'loki', { url: loki.url });
  });

  afterAll(async () => {
    await t.close();
    await target.close();
    await loki.close();
    await producer.disconnect();
    await admin.deleteTopics({ topics: [topic] }).catch(() => undefined);
    await admin.disconnect();
  });

  describe('holdFor', () => {
    const heldOrder = (path: string) => ({
      name: 'order',
      type: 'http',
      config: { url: `${target.url}${path}`, method: 'GET' },
      assertions: [{ path: 'body.status', operator: 'equals', expected: 'PAID' }],
      holdFor: { durationMs: 3000, intervalMs: 500 },
    });

    it('fails at the first check that does not hold, naming it, and stores that check\'s response', async () => {
      const flowId = await createFlow(t, user, teamId, { name: 'order stays paid (flips)', steps: [heldOrder('/flipping/order')] });
      const done = await runToEnd(flowId);
      expect(done.status).toBe('FAILED');
      const [step] = done.steps;
      expect(step.status).toBe('ERROR');
      const named = /^did not hold for 3000 ms: check (\d+) at \+(\d+) ms failed: assertion failed: (.*)$/.exec(step.error);
      expect(named).not.toBeNull();
      const [, check, offset, reason] = named!;
      expect(reason).toContain('body.status');
      expect(reason).toContain('REFUNDED');
      // PAID for 1.5 s from the first check: the failing one is not the first and comes within the window.
      expect(Number(check)).toBeGreaterThan(1);
      expect(Number(offset)).toBeGreaterThanOrEqual(1000);
      expect(Number(offset)).toBeLessThanOrEqual(3000);
      expect(step.attempts).toBe(Number(check));
      expect(target.hits['GET /flipping/order']).toBe(Number(check));
      expect(step.response.body).toEqual({ id: 'o-1', status: 'REFUNDED' });
    });

    it('passes a target that stays stable, after checking it every interval for the whole window', async () => {
      const flowId = await createFlow(t, user, teamId, { name: 'order stays paid (stable)', steps: [heldOrder('/stable/order')] });
      const done = await runToEnd(flowId);
      expect(done.status).toBe('COMPLETED');
      const [step] = done.steps;
      expect(step.status).toBe('SUCCESS');
      // 7 planned checks (+0 … +3000 every 500 ms); a slot is skipped only if a check outlasts 500 ms.
      expect(step.attempts).toBeGreaterThanOrEqual(5);
      expect(step.attempts).toBeLessThanOrEqual(7);
      expect(target.hits['GET /stable/order']).toBe(step.attempts);
      expect(step.durationMs).toBeGreaterThanOrEqual(3000);
      expect(step.response.body.status).toBe('PAID');
    });

    it('refuses holdFor with retry, on a background step and with an interval longer than the window', async () => {
      const save = (step: Record<string, unknown>) =>
        t.http.post(`${API}/teams/${teamId}/flows`).set(user.auth).send({ name: `bad hold ${randomUUID()}`, steps: [{ name: 'order', type: 'http', config: { url: `${target.url}/stable/order` }, ...step }] });
      const hold = { durationMs: 3000, intervalMs: 500 };
      const fields = async (step: Record<string, unknown>) => {
        const res = await save(step);
        expect(res.status).toBe(400);
        return res.body.details.problems.map((p: { field: string }) => p.field);
      };
      expect(await fields({ holdFor: hold, retry: { maxRetries: 2 } })).toEqual(['/steps/0/holdFor']);
      expect(await fields({ holdFor: hold, runInBackground: true })).toEqual(['/steps/0/holdFor']);
      expect(await fields({ holdFor: { durationMs: 1000, intervalMs: 2000 } })).toEqual(['/steps/0/holdFor/intervalMs']);
      expect(await fields({ holdFor: { durationMs: 0, intervalMs: 500 } })).toEqual(['/steps/0/holdFor/durationMs']);
      expect(await fields({ holdFor: { durationMs: 1000 } })).toEqual(['/steps/0/holdFor/intervalMs']);
    });

    it('documents holdFor in the flow definition schema and expect in the step catalogue', async () => {
      const doc = (await t.http.get('/docs-json').expect(200)).body;
      const step = doc.components.schemas.StepDto.properties.holdFor;
      expect(JSON.stringify(step)).toContain('HoldPolicyDto');
      expect(doc.components.schemas.HoldPolicyDto).toMatchObject({
        required: ['durationMs', 'intervalMs'],
        properties: { durationMs: { type: 'number', example: 5000 }, intervalMs: { type: 'number', example: 1000 } },
      });
      const catalogue = (await t.http.get(`${API}/step-types`).set(user.auth).expect(200)).body;
      for (const type of ['kafka-subscribe', 'loki']) {
        const expectField = catalogue.find((s: { type: string }) => s.type === type).configSchema.properties.expect;
        expect(expectField).toMatchObject({ enum: ['some', 'none'] });
      }
    });
  });

  describe('kafka-subscribe expect "none"', () => {
    /** Subscribe in the background expecting no event for `watchedId`, then have the target announce `announcedId`. */
    const absenceFlow = (name: string, resourceId: string) => ({
      name,
      variables: [
        { name: 'watchedId', type: 'string', required: true },
        { name: 'announcedId', type: 'string', required: true },
      ],
      steps: [
        noRetry({
          name: 'noEvent',
          type: 'kafka-subscribe',
          runInBackground: true,
          timeoutMs: 20_000,
          config: { resourceId, topic, expect: 'none', timeoutMs: 3000, searchPattern: { matchType: 'jsonpath', pattern: "$[?(@.orderId == '${watchedId}')]" } },
        }),
        noRetry({ name: 'create', type: 'http', config: { url: `${target.url}/orders`, method: 'POST', body: { orderId: '${announcedId}' } } }),
      ],
    });

    it('passes when no matching message arrives during its whole window', async () => {
      const flowId = await createFlow(t, user, teamId, absenceFlow('no event for an invalid order', kafkaId));
      const started = Date.now();
      const done = await runToEnd(flowId, { watchedId: randomUUID(), announcedId: randomUUID() });
      expect(done.status).toBe('COMPLETED');
      const step = done.steps.find((s: { name: string }) => s.name === 'noEvent');
      expect(step.status).toBe('SUCCESS');
      expect(step.response).toEqual({ messages: [], matchedCount: 0, scannedCount: 2 });
      expect(Date.now() - started).toBeGreaterThanOrEqual(3000);
    });

    it('fails with the offending message as soon as a matching one arrives', async () => {
      const orderId = randomUUID();
      const flowId = await createFlow(t, user, teamId, { ...absenceFlow('event that must not be published', kafkaId) });
      const done = await runToEnd(flowId, { watchedId: orderId, announcedId: orderId });
      expect(done.status).toBe('FAILED');
      const step = done.steps.find((s: { name: string }) => s.name === 'noEvent');
      expect(step.status).toBe('ERROR');
      expect(step.error).toContain(`expected no message on topic "${topic}" that matched JSONPath $[?(@.orderId == '${orderId}')], but found: `);
      expect(step.error).toContain(`"orderId":"${orderId}"`);
      expect(step.response).toMatchObject({ matchedCount: 1, scannedCount: 2, messages: [{ key: orderId, value: { orderId, status: 'CREATED' } }] });
    });

    it('is an error, never a pass, when the broker cannot be reached', async () => {
      const downId = await createResource('kafka-down', 'kafka', { brokers: [`127.0.0.1:${await closedPort()}`], clientOptions: { retries: 1, connectionTimeoutMs: 500 } });
      const flowId = await createFlow(t, user, teamId, {
        name: 'no event, broker down',
        steps: [noRetry({ name: 'noEvent', type: 'kafka-subscribe', timeoutMs: 15_000, config: { resourceId: downId, topic, expect: 'none', timeoutMs: 2000 } })],
      });
      const done = await runToEnd(flowId);
      expect(done.status).toBe('FAILED');
      expect(done.steps[0].status).toBe('ERROR');
      expect(done.steps[0].error).toMatch(/cannot (connect to Kafka|subscribe to topic)|timed out/);
    });

    it('refuses to pass a window the step timeout would cut short', async () => {
      const flowId = await createFlow(t, user, teamId, {
        name: 'no event, window longer than the step',
        steps: [noRetry({ name: 'noEvent', type: 'kafka-subscribe', timeoutMs: 5000, config: { resourceId: kafkaId, topic, expect: 'none', timeoutMs: 5000 } })],
      });
      const done = await runToEnd(flowId);
      expect(done.steps[0].status).toBe('ERROR');
      expect(done.steps[0].error).toMatch(/^expect "none" must watch topic ".*" for its whole window \(config.timeoutMs 5000 ms\), but the step timeout leaves \d+ ms/);
    });
  });
  describe('loki expect "none" in a flow', () => {
    it('fails with the offending line stored as the response, and is not retried into a pass', async () => {
      const app = `absence-${run}`;
      loki.push({ app }, [{ tsMs: Date.now() - 1000, line: 'ERROR payment failed for o-9' }]);
      const flowId = await createFlow(t, user, teamId, {
        name: 'no payment errors',
        steps: [
          {
            name: 'noErrors',
            type: 'loki',
            retry: { maxRetries: 2, initialDelayMs: 0 },
            config: { resourceId: lokiId, labels: { app }, containsPatterns: ['payment failed'], relative: '5m', expect: 'none' },
          },
        ],
      });
      const done = await runToEnd(flowId);
      expect(done.status).toBe('FAILED');
      const [step] = done.steps;
      expect(step.status).toBe('ERROR');
      expect(step.attempts).toBe(1);
      expect(step.error).toMatch(/^expected no log line for \{app=".*"\} \|= "payment failed" in .*, but found: .*ERROR payment failed for o-9/);
      expect(step.response).toMatchObject({ matchCount: 1, logLines: [{ line: 'ERROR payment failed for o-9' }] });
    });
  });
});

describe('loki expect "none" (Loki contract fake)', () => {
  const RESOURCE_ID = '6f1c2a8e-3b4d-4e5f-9a7b-1c2d3e4f5a6b';
  let step: LokiStep;
  let loki: FakeLoki;

  beforeAll(async () => {
    step = new LokiStep(testEgress());
    loki = await startFakeLoki();
  });
  afterAll(async () => {
    step.onModuleDestroy();
    await loki.close();
  });

  const context = (config: Partial<LokiStepConfig>, timeoutMs = 10_000): StepContext<LokiStepConfig, LokiResourceConfig> => ({
    config: { resourceId: RESOURCE_ID, expect: 'none', ...config } as LokiStepConfig,
    resource: { id: RESOURCE_ID, name: 'fake-loki', type: 'loki', version: 1, config: { url: loki.url } as LokiResourceConfig },
    signal: AbortSignal.timeout(timeoutMs),
    executionId: 'exec-1',
    stepName: 'noErrors',
    executionStartedAt: Date.now() - 60_000,
    deadline: Date.now() + timeoutMs,
    correlationId: 'c-hold-and-absence', traceId: '4bf92f3577b34da6a3ce929d0e0e4736', log: () => undefined,
  });
  const failure = (promise: Promise<unknown>) => promise.then(() => Promise.reject(new Error('expected the step to fail')), (e: unknown) => e as StepError);

  it('waits until a window ending in the future has passed, then passes when nothing matches', async () => {
    const app = `absence-${randomUUID()}`;
    const now = Date.now();
    loki.push({ app }, [{ tsMs: now - 1000, line: 'order o-1 PAID' }]);
    const before = loki.requests.length;
    const result = await step.run(context({ labels: { app }, containsPatterns: ['payment failed'], startTime: now - 60_000, endTime: now + 1500 }));
    expect(Date.now()).toBeGreaterThanOrEqual(now + 1500);
    expect(result).toMatchObject({ matchCount: 0, logLines: [] });
    expect(loki.requests.length - before).toBe(2); // once at once, once after the window
  });

  it('fails with the offending line when one turns up while the window is waited out', async () => {
    const app = `absence-${randomUUID()}`;
    const now = Date.now();
    const running = failure(step.run(context({ labels: { app }, containsPatterns: ['payment failed'], startTime: now - 60_000, endTime: now + 1500 })));
    setTimeout(() => loki.push({ app }, [{ tsMs: now + 500, line: 'order o-1 payment failed: card declined' }]), 500);
    const error = await running;
    expect(error).toBeInstanceOf(StepError);
    expect(error.message).toMatch(/^expected no log line for \{app=".*"\} \|= "payment failed" in .* – .*, but found: \{.*"line":"order o-1 payment failed: card declined"/);
    expect(error.details?.result).toMatchObject({ matchCount: 1, logLines: [{ line: 'order o-1 payment failed: card declined' }] });
  });

  it('fails at once on a line already in a window that has passed, and refuses a window ending after the step timeout', async () => {
    const app = `absence-${randomUUID()}`;
    loki.push({ app }, [{ tsMs: Date.now() - 2000, line: 'ERROR payment failed' }]);
    const error = await failure(step.run(context({ labels: { app }, containsPatterns: ['payment failed'], relative: '5m' })));
    expect(error.message).toContain('"line":"ERROR payment failed"');
    const late = await failure(step.run(context({ labels: { app }, startTime: Date.now() - 1000, endTime: Date.now() + 60_000 }, 2000)));
    expect(late.message).toMatch(/^expect "none": the window ends at .*, after the step timeout/);
  });
});
