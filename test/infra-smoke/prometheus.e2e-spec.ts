import { buildFixture } from '../infra/prometheus/prometheus-fixture';
import { testPrometheusNowSec, testPrometheusUrl } from '../support/test-env';

// Proves the Prometheus used by the metric-step tests is a real server over the known fixture.
describe('Prometheus fixture (real server)', () => {
  const fixture = buildFixture(testPrometheusNowSec());

  async function query(path: string, params: Record<string, string | number>) {
    const url = new URL(path, testPrometheusUrl());
    for (const [k, v] of Object.entries(params)) url.searchParams.set(k, String(v));
    const res = await fetch(url);
    expect(res.status).toBe(200);
    return (await res.json()) as { status: string; data: { resultType: string; result: Array<{ metric: Record<string, string>; value?: [number, string]; values?: Array<[number, string]> }> } };
  }

  it('is ready', async () => {
    const res = await fetch(new URL('/-/ready', testPrometheusUrl()));
    expect(res.status).toBe(200);
  });

  it('returns the known averages of both windows', async () => {
    const { A, B } = fixture.windows;
    const a = await query('/api/v1/query', { query: 'avg_over_time(queue_depth{queue="emails"}[30m])', time: A.end });
    const b = await query('/api/v1/query', { query: 'avg_over_time(queue_depth{queue="emails"}[30m])', time: B.end });
    expect(a.data.result[0].value![1]).toBe('100');
    expect(b.data.result[0].value![1]).toBe('130');
  });

  it('returns range data point for point as the fixture predicts', async () => {
    const { B } = fixture.windows;
    const res = await query('/api/v1/query_range', { query: 'queue_depth{queue="sms"}', start: B.start, end: B.end, step: 30 });
    expect(res.data.resultType).toBe('matrix');
    expect(res.data.result[0].values).toEqual(fixture.expectedRange('queueSms', B.start, B.end, 30));
  });
});
