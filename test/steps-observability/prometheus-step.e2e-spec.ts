import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import { StepError, type StepContext, type StepResource } from '../../src/steps/step-plugin';
import type { PrometheusResourceConfig } from '../../src/integrations/prometheus/prometheus-resource-config.dto';
import { PrometheusStep } from '../../src/integrations/prometheus/prometheus.step';
import type { PrometheusStepConfig } from '../../src/integrations/prometheus/prometheus-step.config';
import { escapePromQLLabelValue } from '../../src/steps/shared/promql-string';
import { buildFixture, type Fixture } from '../infra/prometheus/prometheus-fixture';
import { testPrometheusNowSec, testPrometheusUrl } from '../support/test-env';
import { loadConfig } from '../../src/config/load-config';
import { EgressService } from '../../src/egress/egress.service';

/**
 * The Prometheus step's `run` against the real Prometheus 2.42 that the e2e global setup starts over
 * the deterministic fixture (test/infra/prometheus/README.md): window A is the baseline, B the current.
 */

const RESOURCE_ID = '0b6f4c1e-7d2a-4f3b-8c9d-5e6f7a8b9c0d';

let step: PrometheusStep;
let fixture: Fixture;
let A: { startTime: number; endTime: number };
let B: { startTime: number; endTime: number };

beforeAll(() => {
  step = new PrometheusStep(new EgressService(loadConfig({ NODE_ENV: 'test' })));
  fixture = buildFixture(testPrometheusNowSec());
  A = { startTime: fixture.windows.A.start * 1000, endTime: fixture.windows.A.end * 1000 };
  B = { startTime: fixture.windows.B.start * 1000, endTime: fixture.windows.B.end * 1000 };
});
afterAll(() => step.onModuleDestroy());

function resource(config: Partial<PrometheusResourceConfig> = {}): StepResource<PrometheusResourceConfig> {
  // As stored: a config may predate the defaults its DTO declares.
  return { id: RESOURCE_ID, name: 'fixture-prometheus', type: 'prometheus', version: 1, config: { url: testPrometheusUrl(), ...config } as PrometheusResourceConfig };
}

function context(config: Partial<PrometheusStepConfig>, options: { resource?: StepResource<PrometheusResourceConfig>; signal?: AbortSignal } = {}): StepContext<PrometheusStepConfig, PrometheusResourceConfig> {
  return {
    config: { resourceId: RESOURCE_ID, ...config } as PrometheusStepConfig,
    resource: options.resource ?? resource(),
    signal: options.signal ?? AbortSignal.timeout(10_000),
    executionId: 'exec-1',
    correlationId: 'corr-1',
    traceId: '4bf92f3577b34da6a3ce929d0e0e4736',
    stepName: 'metrics',
    executionStartedAt: Date.now(),
    deadline: Date.now() + 10_000,
    log: () => undefined,
  };
}

async function runStep(config: Partial<PrometheusStepConfig>, options?: Parameters<typeof context>[1]) {
  return step.run(context(config, options));
}

async function stepError(promise: Promise<unknown>): Promise<StepError> {
  const error = await promise.then(
    () => {
      throw new Error('expected the step to fail');
    },
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(StepError);
  return error as StepError;
}

describe('prometheus step against a real Prometheus', () => {
  it('queries one window: 61 points at 30 s, aggregated, no comparison', async () => {
    const result = await runStep({ query: 'queue_depth{queue="emails"}', duration1: A });
    const d1 = result.duration1Results;
    expect(d1).toMatchObject({ metric: 'queue_depth{queue="emails"}', aggregation: 'avg', aggregatedValue: 100, min: 100, max: 100, sampleCount: 61, ignoredSamples: 0, seriesCount: 1 });
    const expected = fixture.expectedRange('queueEmails', fixture.windows.A.start, fixture.windows.A.end, 30);
    expect(d1.values).toEqual(expected.map(([t, v]) => ({ timestamp: t * 1000, value: Number(v) })));
    expect(d1.window).toEqual({ start: new Date(A.startTime).toISOString(), end: new Date(A.endTime).toISOString() });
    expect(d1.series[0].metric).toEqual({ __name__: 'queue_depth', queue: 'emails' });
    expect(result).not.toHaveProperty('duration2Results');
    expect(result).not.toHaveProperty('comparison');
    expect(result.query).toBe('queue_depth{queue="emails"}');
    expect(result.step).toBe('30s');
    expect(result.executionTimeMs).toBeGreaterThanOrEqual(0);
  });

  it('flags the +30 % change of queue_depth{queue="emails"} as an anomaly, as plain JSON', async () => {
    const result = await runStep({ query: 'queue_depth{queue="emails"}', duration1: A, duration2: B });
    expect(result.duration1Results.aggregatedValue).toBe(100);
    expect(result.duration2Results?.aggregatedValue).toBe(130);
    expect(result.comparison).toMatchObject({
      baselineValue: 100,
      currentValue: 130,
      absoluteDifference: 30,
      anomalyDetected: true,
      thresholdPercent: 20,
      direction: 'both',
      aggregation: 'avg',
    });
    expect(result.comparison!.percentageChange).toBeCloseTo(fixture.expectations.queueEmails.changePct!, 9);
    expect(result.comparison!.anomalyReason).toBe('+30% change (100 → 130) exceeds the 20% threshold for direction "both"');
    expect(JSON.parse(JSON.stringify(result))).toEqual(result);
  });

  it('does not flag the +5 % change of the sms queue', async () => {
    const result = await runStep({ query: 'queue_depth{queue="sms"}', duration1: A, duration2: B });
    expect(result.comparison).toMatchObject({ baselineValue: 100, currentValue: 105, anomalyDetected: false, anomalyReason: null });
    expect(result.comparison!.percentageChange).toBeCloseTo(5, 9);
  });

  it('honours threshold and direction', async () => {
    const emails = { query: 'queue_depth{queue="emails"}', duration1: A, duration2: B };
    expect((await runStep({ ...emails, threshold: 35 })).comparison!.anomalyDetected).toBe(false);
    expect((await runStep({ ...emails, direction: 'decrease' })).comparison!.anomalyDetected).toBe(false);
    expect((await runStep({ ...emails, direction: 'increase' })).comparison!.anomalyDetected).toBe(true);
    expect((await runStep({ query: 'queue_depth{queue="sms"}', duration1: A, duration2: B, threshold: 4 })).comparison!.anomalyDetected).toBe(true);
  });

  it('aggregates several series per series and overall, and says which series changed', async () => {
    const result = await runStep({ query: 'worker_busy', duration1: A, duration2: B, threshold: 5 });
    const byWorker = <T extends { metric: Record<string, string> }>(series: T[]): T[] => [...series].sort((a, b) => a.metric.worker.localeCompare(b.metric.worker));
    expect(result.duration1Results.seriesCount).toBe(3);
    expect(result.duration1Results.metric).toBe('worker_busy (3 series)');
    expect(byWorker(result.duration1Results.series).map((s) => [s.metric.worker, s.aggregatedValue])).toEqual([['w1', 10], ['w2', 20], ['w3', 30]]);
    expect(result.duration1Results).toMatchObject({ aggregatedValue: 20, min: 10, max: 30, sampleCount: 183 });
    expect(result.duration2Results).toMatchObject({ aggregatedValue: 22, min: 11, max: 33 });
    expect(result.comparison!.percentageChange).toBeCloseTo(10, 9);
    expect(result.comparison!.anomalyDetected).toBe(true);
    const perSeries = byWorker(result.comparison!.series!);
    expect(perSeries.map((s) => [s.metric.worker, s.baselineValue, s.currentValue, s.anomalyDetected])).toEqual([
      ['w1', 10, 11, true],
      ['w2', 20, 22, true],
      ['w3', 30, 33, true],
    ]);
    perSeries.forEach((s) => expect(s.percentageChange).toBeCloseTo(10, 9));
    expect(result.comparison!.anomalousSeries).toHaveLength(3);

    const summed = await runStep({ query: 'worker_busy', duration1: A, duration2: B, aggregation: 'sum' });
    // sum over time per series (61 points each), then across series.
    expect(summed.duration1Results.aggregatedValue).toBe(61 * 60);
    expect(summed.comparison).toMatchObject({ anomalyDetected: false, anomalousSeries: [] });
  });

  it('reports series that exist in one window only instead of pairing them', async () => {
    const result = await runStep({ query: 'series_presence', duration1: { startTime: A.startTime, endTime: B.endTime }, duration2: B });
    expect(result.comparison).not.toHaveProperty('series');
    expect(result.comparison!.seriesMismatch).toEqual({ onlyInBaseline: [{ __name__: 'series_presence', only: 'A' }], onlyInCurrent: [] });
  });

  it('fails with a clear error naming the window and the query when a window has no data', async () => {
    const missing = await stepError(runStep({ query: 'queue_depth{queue="nope"}', duration1: A }));
    expect(missing.message).toBe(
      `No data in the duration1 window (${new Date(A.startTime).toISOString()} to ${new Date(A.endTime).toISOString()}) for query "queue_depth{queue=\\"nope\\"}": Prometheus returned no series`,
    );
    const goneInB = await stepError(runStep({ query: 'series_presence{only="A"}', duration1: A, duration2: B }));
    expect(goneInB.message).toContain('No data in the duration2 (current) window');
    expect(goneInB.message).toContain('series_presence{only=\\"A\\"}');
    expect(goneInB.message).not.toMatch(/NaN/);
  });

  it('decides a zero baseline on the absolute difference and says so', async () => {
    const result = await runStep({ query: 'errors_current{service="api"}', duration1: A, duration2: B });
    expect(result.comparison).toMatchObject({ baselineValue: 0, currentValue: 5, percentageChange: null, absoluteDifference: 5, anomalyDetected: true });
    expect(result.comparison!.anomalyReason).toContain('percentage change is undefined for a zero baseline, so the absolute difference decides');
    expect(JSON.parse(JSON.stringify(result))).toEqual(result);
  });

  it('leaves NaN samples out and counts them, keeping the result plain JSON', async () => {
    const result = await runStep({ query: 'flaky_gauge{id="1"}', duration1: A, duration2: B });
    expect(result.duration1Results).toMatchObject({ aggregatedValue: 10, sampleCount: 31, ignoredSamples: 30, min: 10, max: 10 });
    expect(result.duration1Results.values).toHaveLength(31);
    expect(result.duration2Results).toMatchObject({ aggregatedValue: 10, sampleCount: 61, ignoredSamples: 0 });
    expect(result.comparison).toMatchObject({ percentageChange: 0, anomalyDetected: false });
    const text = JSON.stringify(result);
    expect(text).not.toContain('NaN');
    expect(JSON.parse(text)).toEqual(result);
  });

  it('matches a label value holding a quote and a backslash, escaped by hand or through labelValues', async () => {
    const raw = 'a"b\\c';
    const escaped = `odd_labels{path="${escapePromQLLabelValue(raw)}"}`;
    const byHand = await runStep({ query: escaped, duration1: A });
    expect(byHand.duration1Results.series.map((s) => s.metric.path)).toEqual([raw]);
    expect(byHand.duration1Results.aggregatedValue).toBe(7);

    const viaPlaceholder = await runStep({ query: 'odd_labels{path=$path}', labelValues: { path: raw }, duration1: A });
    expect(viaPlaceholder.query).toBe(escaped);
    expect(viaPlaceholder.duration1Results.aggregatedValue).toBe(7);
  });

  it('computes rates with PromQL and compares them (2/s → 2.6/s)', async () => {
    // rate over 5m needs 5 minutes of data before each point: start the windows 5 minutes in.
    const shift = 300_000;
    const result = await runStep({
      query: 'rate(http_requests_total{service="orders", code="200"}[5m])',
      duration1: { startTime: A.startTime + shift, endTime: A.endTime },
      duration2: { startTime: B.startTime + shift, endTime: B.endTime },
      step: '1m',
    });
    expect(result.duration1Results.aggregatedValue).toBeCloseTo(2, 9);
    expect(result.duration2Results!.aggregatedValue).toBeCloseTo(2.6, 9);
    expect(result.comparison!.percentageChange).toBeCloseTo(30, 6);
    expect(result.comparison!.anomalyDetected).toBe(true);
  });

  it('resolves relative windows against now', async () => {
    const agoSec = Math.floor(Date.now() / 1000) - fixture.windows.A.start;
    const result = await runStep({ query: 'queue_depth{queue="emails"}', duration1: { relative: { ago: `${agoSec}s`, length: '30m' } } });
    expect(result.duration1Results.aggregatedValue).toBe(100);
  });

  it('quotes Prometheus\' own message and the query on a bad query', async () => {
    const error = await stepError(runStep({ query: 'sum(queue_depth', duration1: A }));
    expect(error.message).toMatch(/^Prometheus rejected the query for duration1 \(.+\) \(HTTP 400\): bad_data: .*parse error.* — query: sum\(queue_depth$/);
    expect(error.details).toMatchObject({ status: 400, window: 'duration1', query: 'sum(queue_depth' });
  });

  it('refuses a step that would exceed 11,000 points before asking Prometheus', async () => {
    const error = await stepError(runStep({ query: 'up', duration1: { relative: '7d' }, step: '15s' }));
    expect(error.message).toBe('duration1: step "15s" gives 40321 points per series, above Prometheus\' limit of 11000; use a step of at least "55s"');
  });

});

describe('prometheus step HTTP details (stub server)', () => {
  let server: http.Server;
  let url: string;
  const seen: Array<{ url: string; headers: http.IncomingHttpHeaders }> = [];
  let respond: (res: http.ServerResponse) => void;

  beforeAll(async () => {
    server = http.createServer((req, res) => {
      seen.push({ url: req.url ?? '', headers: req.headers });
      respond(res);
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/prom`;
  });
  afterAll(async () => {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  });
  beforeEach(() => {
    seen.length = 0;
  });

  const matrix = { status: 'success', data: { resultType: 'matrix', result: [{ metric: { __name__: 'up' }, values: [[1767225600, '1'], [1767225630, '+Inf']] }] } };

  it('sends basic auth, keeps the path prefix and passes start/end/step as seconds', async () => {
    respond = (res) => res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(matrix));
    const result = await runStep(
      { query: 'up', duration1: { startTime: 1767225600000, endTime: 1767225630500 }, step: '250ms' },
      { resource: resource({ url, auth: { type: 'basic', username: 'grafana', password: 's3cret' } }) },
    );
    expect(seen).toHaveLength(1);
    const sent = new URL(seen[0].url, 'http://x');
    expect(sent.pathname).toBe('/prom/api/v1/query_range');
    expect(Object.fromEntries(sent.searchParams)).toEqual({ query: 'up', start: '1767225600', end: '1767225630.500', step: '0.250' });
    expect(seen[0].headers.authorization).toBe(`Basic ${Buffer.from('grafana:s3cret').toString('base64')}`);
    expect(result.duration1Results).toMatchObject({ aggregatedValue: 1, sampleCount: 1, ignoredSamples: 1 });
  });

  it('sends a bearer token', async () => {
    respond = (res) => res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(matrix));
    await runStep({ query: 'up', duration1: { relative: '1m' } }, { resource: resource({ url, auth: { type: 'bearer', token: 'tok-123' } }) });
    expect(seen[0].headers.authorization).toBe('Bearer tok-123');
  });

  it('quotes a non-JSON error body from a proxy', async () => {
    respond = (res) => res.writeHead(502, { 'content-type': 'text/html' }).end('<html><body>Bad Gateway</body></html>');
    const error = await stepError(runStep({ query: 'up', duration1: { relative: '1m' } }, { resource: resource({ url }) }));
    expect(error.message).toMatch(/^Prometheus failed to run the query for duration1 \(.+\) \(HTTP 502\): <html><body>Bad Gateway<\/body><\/html> — query: up$/);
  });

  it('passes the step signal to the request: an abort ends a hanging query at once', async () => {
    respond = () => undefined; // never answers
    const controller = new AbortController();
    const started = Date.now();
    setTimeout(() => controller.abort(new Error('execution cancelled')), 100);
    const error = await stepError(runStep({ query: 'up', duration1: { relative: '1m' } }, { resource: resource({ url }), signal: controller.signal }));
    expect(error.message).toBe('Prometheus request aborted: execution cancelled');
    expect(Date.now() - started).toBeLessThan(2000);
  });

  it('applies the resource timeoutMs', async () => {
    respond = () => undefined;
    const error = await stepError(runStep({ query: 'up', duration1: { relative: '1m' } }, { resource: resource({ url, timeoutMs: 150 }) }));
    expect(error.message).toBe(`Prometheus at ${url} (resource "fixture-prometheus") did not answer within 150 ms (the resource's timeoutMs)`);
  });
});
