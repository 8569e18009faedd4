import { LokiStep } from '../../src/integrations/loki/loki.step';
import type { LokiStepConfig } from '../../src/integrations/loki/loki-step.config';
import { PrometheusStep } from '../../src/integrations/prometheus/prometheus.step';
import type { PrometheusStepConfig } from '../../src/integrations/prometheus/prometheus-step.config';
import { StepError } from '../../src/steps/step-plugin';
import { startFakeLoki, type FakeLoki } from '../support/fake-loki-server';
import { createFlow } from '../support/flow-helpers';
import { json, startHttpTarget } from '../support/http-target';
import { API, ownerWithTeam, type TestUser } from '../support/identity-helpers';
import { startTestApp, type TestApp } from '../support/test-app';
import { testPrometheusUrl } from '../support/test-env';
import { startTricklingProxy, type TricklingProxy } from '../support/trickling-proxy';
import { resource, stepContext, testEgress } from '../steps/step-test-support';
import { createSuite, runSuite } from '../suites/suite-helpers';

/**
 * The deadline rule of the one outbound HTTP client (src/outbound-http), end to end: behind each
 * caller a server that sends its headers at once and then its body one byte every 50 ms (200 ms
 * for the short `ready`) — never idle long enough for a socket idle timeout, which is what axios'
 * `timeout` was once the headers had come — is cut at the deadline, and the failure is worded by
 * the client. Against the axios-based code of before, all four tests fail. Servers: the Loki
 * contract fake, the fixture Prometheus and an HTTP receiver, each behind test/support/trickling-proxy.ts.
 */

const DEADLINE_MS = 600;
/** Timers fire a little late on a loaded machine; the trickled answers would take 10 s and more. */
const SLACK_MS = 900;

async function timed<T>(work: () => Promise<T>): Promise<{ value: T; ms: number }> {
  const started = Date.now();
  const value = await work();
  return { value, ms: Date.now() - started };
}

/** The step's failure: a StepError, since the read clients word the client's failures themselves. */
async function stepFailure(run: Promise<unknown>): Promise<StepError> {
  const error = await run.then(() => undefined, (e: unknown) => e);
  expect(error).toBeInstanceOf(StepError);
  return error as StepError;
}

describe('outbound HTTP: Loki and Prometheus reads against trickling servers', () => {
  const egress = testEgress();
  const loki = new LokiStep(egress);
  const prometheus = new PrometheusStep(egress);
  let fakeLoki: FakeLoki;
  let slowLoki: TricklingProxy;
  let slowPrometheus: TricklingProxy;

  beforeAll(async () => {
    fakeLoki = await startFakeLoki();
    fakeLoki.push({ app: 'checkout' }, [{ line: 'order 42 created' }]);
    slowLoki = await startTricklingProxy(fakeLoki.url);
    slowPrometheus = await startTricklingProxy(testPrometheusUrl());
  });
  afterAll(async () => {
    loki.onModuleDestroy();
    prometheus.onModuleDestroy();
    await slowLoki?.close();
    await slowPrometheus?.close();
    await fakeLoki?.close();
  });

  it('Loki: the resource timeoutMs cuts a trickling answer at the deadline', async () => {
    const slow = resource('loki', { url: slowLoki.url, timeoutMs: DEADLINE_MS }, 'slow-loki');
    const config = { resourceId: slow.id, labels: { app: 'checkout' }, relative: '1h' } as LokiStepConfig;
    const { value: error, ms } = await timed(() => stepFailure(loki.run(stepContext(config, { resource: slow, timeoutMs: 10_000 }))));
    expect(error.message).toBe(`Loki at ${slowLoki.url} (resource "slow-loki") did not answer within ${DEADLINE_MS} ms (the resource's timeoutMs)`);
    expect(ms).toBeGreaterThanOrEqual(DEADLINE_MS - 20);
    expect(ms).toBeLessThan(DEADLINE_MS + SLACK_MS);
    expect(slowLoki.relayed()).toBeGreaterThan(0); // it was answering, byte by byte
  });

  it('Prometheus: the same rule for a query against the fixture Prometheus behind the proxy', async () => {
    const slow = resource('prometheus', { url: slowPrometheus.url, timeoutMs: DEADLINE_MS }, 'slow-prometheus');
    const config = { resourceId: slow.id, query: 'up', duration1: { relative: '1m' } } as PrometheusStepConfig;
    const { value: error, ms } = await timed(() => stepFailure(prometheus.run(stepContext(config, { resource: slow, timeoutMs: 10_000 }))));
    expect(error.message).toBe(`Prometheus at ${slowPrometheus.url} (resource "slow-prometheus") did not answer within ${DEADLINE_MS} ms (the resource's timeoutMs)`);
    expect(ms).toBeLessThan(DEADLINE_MS + SLACK_MS);
    expect(slowPrometheus.relayed()).toBeGreaterThan(0);
  });
});

describe('outbound HTTP: connection tests and webhook deliveries against trickling servers', () => {
  let t: TestApp;
  let user: TestUser;
  let teamId: string;
  let fakeLoki: FakeLoki;
  let receiver: Awaited<ReturnType<typeof startHttpTarget>>;
  const proxies: TricklingProxy[] = [];
  let received = 0;

  beforeAll(async () => {
    t = await startTestApp('outbound-trickle', { env: { WEBHOOK_TIMEOUT_MS: String(DEADLINE_MS), WEBHOOK_MAX_ATTEMPTS: '1' } });
    ({ user, teamId } = await ownerWithTeam(t, 'outbound'));
    fakeLoki = await startFakeLoki();
    receiver = await startHttpTarget({
      'POST /hook': (_req, _body, res) => {
        received += 1;
        json(res, 200, { received: true, note: 'a receiver that answers very slowly' });
      },
    });
  });
  afterAll(async () => {
    await t?.close();
    for (const proxy of proxies) await proxy.close();
    await fakeLoki?.close();
    await receiver?.close();
  });

  const proxy = async (url: string, byteEveryMs?: number) => {
    const started = await startTricklingProxy(url, byteEveryMs);
    proxies.push(started);
    return started;
  };
  const testUnsaved = async (body: object, query = '') =>
    (await t.http.post(`${API}/teams/${teamId}/resources/test${query}`).set(user.auth).send(body).expect(200)).body as { ok: boolean; latencyMs: number; error?: string };

  it('a connection test is cut at the resource timeoutMs and says so in the client’s words', async () => {
    const slow = await proxy(fakeLoki.url, 200); // `ready` in 1 s, a byte every 200 ms
    const result = await testUnsaved({ type: 'loki', config: { url: slow.url, timeoutMs: DEADLINE_MS } }, '?timeoutMs=10000');
    expect(result).toMatchObject({ ok: false, error: `request to ${slow.url}/ready timed out (ETIMEDOUT)` });
    expect(result.latencyMs).toBeGreaterThanOrEqual(DEADLINE_MS - 20);
    expect(result.latencyMs).toBeLessThan(DEADLINE_MS + SLACK_MS);
    expect(slow.relayed()).toBeGreaterThan(0);
    // The proxy itself is faithful: trickling fast enough, the same test passes.
    const quick = await proxy(fakeLoki.url, 1);
    expect(await testUnsaved({ type: 'loki', config: { url: quick.url, timeoutMs: 8000 } }, '?timeoutMs=10000')).toMatchObject({ ok: true, details: { status: 200, body: 'ready' } });
  });

  it('a webhook delivery is cut at WEBHOOK_TIMEOUT_MS and recorded with the client’s wording', async () => {
    const slow = await proxy(receiver.url);
    const flowId = await createFlow(t, user, teamId, { name: 'trickle-flow', steps: [{ name: 'wait', type: 'delay', config: { delayMs: 1 } }] });
    const suite = await createSuite(t, user, teamId, { name: 'trickle-suite', entries: [{ flowId }] });
    const hooks = `${API}/teams/${teamId}/suites/${suite.id}/webhooks`;
    const hook = (await t.http.post(hooks).set(user.auth).send({ name: 'slow receiver', url: `${slow.url}/hook`, secret: 'whsec-0123456789abcdef' }).expect(201)).body;
    await runSuite(t, user, teamId, suite.id);
    const deadline = Date.now() + 20_000;
    let deliveries: Array<{ outcome: string; error: string | null; httpStatus: number | null; durationMs: number }> = [];
    while (deliveries.length === 0 && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 100));
      deliveries = (await t.http.get(`${hooks}/${hook.id}/deliveries`).set(user.auth).expect(200)).body.items;
    }
    expect(deliveries).toEqual([expect.objectContaining({ outcome: 'failed', httpStatus: null, error: `request to ${slow.url}/hook timed out` })]);
    expect(deliveries[0].durationMs).toBeGreaterThanOrEqual(DEADLINE_MS - 20);
    expect(deliveries[0].durationMs).toBeLessThan(DEADLINE_MS + SLACK_MS);
    expect(received).toBe(1); // the request went out whole; the answer was what dragged
    expect(slow.relayed()).toBeGreaterThan(0);
  });
});
