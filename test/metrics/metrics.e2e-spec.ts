import type { ChildProcess } from 'node:child_process';
import net from 'node:net';
import { createFlow, noRetry, runFlow, waitForExecution } from '../support/flow-helpers';
import { startHttpTarget } from '../support/http-target';
import { ownerWithTeam, type TestUser } from '../support/identity-helpers';
import { parsePrometheusText, type Sample, sampleValue } from '../support/prometheus-text';
import { startTestApp, type TestApp } from '../support/test-app';
import { startWorkerProcess } from '../support/worker-process';

const UUID = /[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/i;
const TOKEN = 'metrics-token-for-the-e2e-0123456789';

async function scrape(t: TestApp): Promise<Sample[]> {
  const res = await t.http.get('/metrics').expect(200);
  expect(res.headers['content-type']).toMatch(/^text\/plain; version=0\.0\.4/);
  return parsePrometheusText(res.text);
}

/** Polls until `done` holds: the finished-run metrics are recorded just after the run's row is written. */
async function scrapeUntil(t: TestApp, done: (samples: Sample[]) => boolean, timeoutMs = 10_000): Promise<Sample[]> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const samples = await scrape(t);
    if (done(samples) || Date.now() > deadline) return samples;
    await new Promise((r) => setTimeout(r, 50));
  }
}

async function freePort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as net.AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

describe('/metrics', () => {
  let t: TestApp;
  let user: TestUser;
  let teamId: string;
  let target: Awaited<ReturnType<typeof startHttpTarget>>;
  const children: ChildProcess[] = [];

  beforeAll(async () => {
    t = await startTestApp('metrics');
    ({ user, teamId } = await ownerWithTeam(t, 'metrics'));
    target = await startHttpTarget({
      'GET /ok': (_req, _body, res) => void res.writeHead(200).end('ok'),
      'GET /down': (_req, _body, res) => void res.writeHead(503).end('down'),
    });
  });
  afterAll(async () => {
    children.forEach((c) => c.kill('SIGKILL'));
    await target?.close();
    await t?.close();
  });

  it('counts a passing and a failing run exactly once each, with their durations, steps and HTTP routes, and no tenant labels', async () => {
    const call = (path: string) => noRetry({ name: 'call', type: 'http', config: { url: `${target.url}${path}` }, assertions: [{ path: 'status', operator: 'equals', expected: 200 }] });
    const passing = await createFlow(t, user, teamId, { name: 'passes', steps: [call('/ok'), noRetry({ name: 'pause', type: 'delay', config: { delayMs: 1 } })] });
    const failing = await createFlow(t, user, teamId, { name: 'fails', steps: [call('/down')] });

    const before = await scrape(t);
    const finished = (s: Sample[], status: string) => sampleValue(s, 'ats_executions_finished_total', { status, trigger: 'api' });
    const runRoute = { method: 'POST', route: '/api/v1/teams/:teamId/flows/run', status: '201' };

    const ok = await runFlow(t, user, teamId, passing);
    const ko = await runFlow(t, user, teamId, failing);
    expect((await waitForExecution(t, user, teamId, ok.id)).status).toBe('COMPLETED');
    expect((await waitForExecution(t, user, teamId, ko.id)).status).toBe('FAILED');
    const after = await scrapeUntil(t, (s) => finished(s, 'COMPLETED') > finished(before, 'COMPLETED') && finished(s, 'FAILED') > finished(before, 'FAILED'));
    const moved = (name: string, labels: Record<string, string> = {}) => sampleValue(after, name, labels) - sampleValue(before, name, labels);

    expect(moved('ats_executions_started_total')).toBe(2);
    expect(moved('ats_executions_finished_total', { status: 'COMPLETED', trigger: 'api' })).toBe(1);
    expect(moved('ats_executions_finished_total', { status: 'FAILED', trigger: 'api' })).toBe(1);
    expect(moved('ats_execution_duration_seconds_count', { status: 'COMPLETED', trigger: 'api' })).toBe(1);
    expect(moved('ats_execution_duration_seconds_count', { status: 'FAILED', trigger: 'api' })).toBe(1);
    expect(moved('ats_execution_duration_seconds_sum', { status: 'COMPLETED', trigger: 'api' })).toBeGreaterThan(0);
    // Step histograms by type and status: the passing run's http and delay steps, the failing run's http step.
    expect(moved('ats_step_duration_seconds_count', { type: 'http', status: 'SUCCESS' })).toBe(1);
    expect(moved('ats_step_duration_seconds_count', { type: 'delay', status: 'SUCCESS' })).toBe(1);
    expect(moved('ats_step_duration_seconds_count', { type: 'http', status: 'ERROR' })).toBe(1);
    expect(moved('ats_step_attempts_count', { type: 'http', status: 'ERROR' })).toBe(1);
    expect(moved('ats_step_attempts_sum', { type: 'http', status: 'ERROR' })).toBe(1); // no retries
    expect(moved('ats_step_attempts_bucket', { type: 'http', status: 'SUCCESS', le: '1' })).toBe(1);

    // HTTP requests by route template, never by the raw path with its ids.
    expect(moved('ats_http_request_duration_seconds_count', runRoute)).toBe(2);
    expect(moved('ats_http_request_duration_seconds_count', { method: 'GET', route: '/api/v1/teams/:teamId/executions/:executionId', status: '200' })).toBeGreaterThanOrEqual(2);
    await t.http.get(`/api/v1/teams/${teamId}/no-such-route/${ok.id}`).set(user.auth).expect(404);
    const afterMiss = await scrape(t);
    expect(sampleValue(afterMiss, 'ats_http_request_duration_seconds_count', { method: 'GET', route: 'unmatched', status: '404' })).toBeGreaterThanOrEqual(1);

    // Queues, worker, default process metrics.
    for (const queue of ['executions', 'suites', 'maintenance'])
      for (const state of ['waiting', 'active', 'delayed']) expect(after.some((s) => s.name === 'ats_queue_jobs' && s.labels.queue === queue && s.labels.state === state)).toBe(true);
    expect(sampleValue(after, 'ats_worker_slots')).toBe(t.config.WORKER_CONCURRENCY);
    expect(after.some((s) => s.name === 'ats_worker_running_executions')).toBe(true);
    expect(after.some((s) => s.name === 'ats_process_cpu_user_seconds_total')).toBe(true);
    expect(after.some((s) => s.name === 'ats_nodejs_eventloop_lag_seconds')).toBe(true);

    // No tenant or user in any label, and no id in any label value.
    for (const sample of afterMiss) {
      expect(Object.keys(sample.labels).filter((k) => /team|user|execution|flow/i.test(k))).toEqual([]);
      for (const value of Object.values(sample.labels)) expect(value).not.toMatch(UUID);
    }
    expect(afterMiss.every((s) => s.name.startsWith('ats_'))).toBe(true);
  });

  it('counts live sockets per namespace while they are connected', async () => {
    const { io } = await import('socket.io-client');
    const socket = io(`${t.url}/executions`, { auth: { token: user.accessToken }, transports: ['websocket'], forceNew: true });
    await new Promise<void>((resolve, reject) => socket.once('connect', resolve).once('connect_error', reject));
    try {
      await scrapeUntil(t, (s) => sampleValue(s, 'ats_live_sockets', { namespace: 'executions' }) === 1);
      expect(sampleValue(await scrape(t), 'ats_live_sockets', { namespace: 'executions' })).toBe(1);
    } finally {
      socket.close();
    }
    const closed = await scrapeUntil(t, (s) => sampleValue(s, 'ats_live_sockets', { namespace: 'executions' }) === 0);
    expect(sampleValue(closed, 'ats_live_sockets', { namespace: 'executions' })).toBe(0);
  });

  it('is served outside /api/v1, left out of Swagger, and never shadowed by the web UI', async () => {
    const docs = await t.http.get('/docs-json').expect(200);
    expect(Object.keys(docs.body.paths).filter((p) => p.includes('metrics'))).toEqual([]);
    const asBrowser = await t.http.get('/metrics').set('Accept', 'text/html').expect(200);
    expect(asBrowser.text).toContain('# TYPE ats_executions_started_total counter');
    await t.http.get('/api/v1/metrics').expect(404);
  });

  it('requires the bearer token when METRICS_TOKEN is set', async () => {
    const api = await startTestApp('metrics-token', { shareWith: t, env: { APP_MODE: 'api', METRICS_TOKEN: TOKEN } });
    try {
      await api.http.get('/metrics').expect(401);
      await api.http.get('/metrics').set('Authorization', `Bearer ${TOKEN.slice(0, -1)}`).expect(401);
      await api.http.get('/metrics').set('Authorization', `Basic ${TOKEN}`).expect(401);
      const res = await api.http.get('/metrics').set('Authorization', `Bearer ${TOKEN}`).expect(200);
      const samples = parsePrometheusText(res.text);
      expect(samples.some((s) => s.name === 'ats_http_request_duration_seconds_count')).toBe(true);
      // An API-only process runs no executions: the worker's gauges are absent.
      expect(samples.some((s) => s.name === 'ats_worker_slots')).toBe(false);
    } finally {
      await api.close();
    }
  });

  it('is served by a worker process on its health port, with the worker metrics and the token', async () => {
    const port = await freePort();
    const worker = startWorkerProcess(t, { PORT: String(port), METRICS_TOKEN: TOKEN, WORKER_CONCURRENCY: '3' });
    children.push(worker);
    const url = `http://127.0.0.1:${port}`;
    const deadline = Date.now() + 30_000;
    while (!(await fetch(`${url}/health/live`).then((r) => r.ok).catch(() => false))) {
      if (Date.now() > deadline) throw new Error('worker did not answer /health/live');
      await new Promise((r) => setTimeout(r, 100));
    }
    expect((await fetch(`${url}/metrics`)).status).toBe(401);
    const res = await fetch(`${url}/metrics`, { headers: { Authorization: `Bearer ${TOKEN}` } });
    expect(res.status).toBe(200);
    const samples = parsePrometheusText(await res.text());
    expect(sampleValue(samples, 'ats_worker_slots')).toBe(3);
    expect(samples.some((s) => s.name === 'ats_worker_running_executions')).toBe(true);
    expect(samples.some((s) => s.name === 'ats_queue_jobs' && s.labels.queue === 'executions')).toBe(true);
    expect(samples.some((s) => s.name === 'ats_process_resident_memory_bytes')).toBe(true);
    worker.kill('SIGTERM');
  });
});
