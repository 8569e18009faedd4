import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { getQueueToken } from '@nestjs/bullmq';
import type { Queue } from 'bullmq';
import { io, type Socket } from 'socket.io-client';
import { SUITES_QUEUE } from '../../src/queue/queue.constants';
import { createFlow, noRetry, waitForExecution } from '../support/flow-helpers';
import { json, startHttpTarget } from '../support/http-target';
import { API, createApiKey, ownerWithTeam, type TestUser } from '../support/identity-helpers';
import { startTestApp, type TestApp } from '../support/test-app';
import { createSuite, runSuite, waitForSuiteRun } from './suite-helpers';

describe('test suites: CRUD, orchestration, counts, cancel, run-and-wait, live progress', () => {
  let t: TestApp;
  let user: TestUser;
  let teamId: string;
  let other: { user: TestUser; teamId: string };
  let target: Awaited<ReturnType<typeof startHttpTarget>>;
  const calls: Array<{ path: string; at: number; query: string }> = [];
  const sockets: Socket[] = [];
  let okFlow: string;
  let failFlow: string;
  let greetFlow: string;
  let slowFlow: string;

  beforeAll(async () => {
    // 20 executions of one suite run at once below: the team limit (default 5) would serialise them.
    t = await startTestApp('suites', { env: { WORKER_CONCURRENCY: '25', TEAM_MAX_CONCURRENT_EXECUTIONS: '25' } });
    ({ user, teamId } = await ownerWithTeam(t, 'suites'));
    other = await ownerWithTeam(t, 'other');
    target = await startHttpTarget({
      'GET /ok': (req, _b, res) => {
        calls.push({ path: '/ok', at: Date.now(), query: new URL(req.url!, 'http://x').search });
        setTimeout(() => json(res, 200, { ok: true }), 40);
      },
      'GET /fail': (req, _b, res) => {
        calls.push({ path: '/fail', at: Date.now(), query: new URL(req.url!, 'http://x').search });
        json(res, 500, { error: 'boom' });
      },
      'GET /greet': (req, _b, res) => {
        const q = new URL(req.url!, 'http://x').searchParams;
        calls.push({ path: '/greet', at: Date.now(), query: `?${q}` });
        json(res, 200, { greeting: `hello ${q.get('name')}` });
      },
    });
    const http = (name: string, path: string) => noRetry({ name, type: 'http', config: { url: `${target.url}${path}` }, assertions: [{ path: 'status', operator: 'equals', expected: 200 }] });
    okFlow = await createFlow(t, user, teamId, { name: 'ok', steps: [http('call', '/ok')] });
    failFlow = await createFlow(t, user, teamId, { name: 'fails', steps: [http('call', '/fail'), noRetry({ name: 'after', type: 'delay', config: { delayMs: 1 } })] });
    greetFlow = await createFlow(t, user, teamId, {
      name: 'greet',
      variables: [{ name: 'name', type: 'string', required: true }],
      steps: [noRetry({ name: 'greet', type: 'http', config: { url: `${target.url}/greet?name=\${name}&v=1` }, assertions: [{ path: 'body.greeting', operator: 'equals', expected: 'hello ${name}' }] })],
    });
    // Version 2 of greet calls with v=2: a suite pinned to version 1 must still send v=1.
    await t.http.patch(`${API}/teams/${teamId}/flows/${greetFlow}`).set(user.auth).send({
      steps: [noRetry({ name: 'greet', type: 'http', config: { url: `${target.url}/greet?name=\${name}&v=2` } })],
    }).expect(200);
    slowFlow = await createFlow(t, user, teamId, { name: 'slow', steps: [noRetry({ name: 'wait', type: 'delay', config: { delayMs: 4000 } })] });
  });
  afterAll(async () => {
    sockets.forEach((s) => s.disconnect());
    await t.close();
    await target.close();
  });

  describe('CRUD and validation', () => {
    it('names the entry whose flow does not get a required variable', async () => {
      const res = await t.http.post(`${API}/teams/${teamId}/suites`).set(user.auth).send({
        name: 'missing var',
        variables: [{ name: 'unrelated', value: 1 }],
        entries: [{ flowId: okFlow }, { flowId: greetFlow, variables: [{ name: 'name', value: 'ann' }] }, { flowId: greetFlow }],
      });
      expect(res.status).toBe(400);
      expect(res.body.details.problems).toEqual([{ field: 'entries.2.variables', message: 'flow "greet": variable "name" is required' }]);
    });

    it("refuses another team's flow, a missing version and a bad value, each by field", async () => {
      const foreign = await createFlow(t, other.user, other.teamId, { name: 'foreign', steps: [noRetry({ name: 'w', type: 'delay', config: { delayMs: 1 } })] });
      const res = await t.http.post(`${API}/teams/${teamId}/suites`).set(user.auth).send({
        name: 'bad entries',
        entries: [{ flowId: foreign }, { flowId: okFlow, version: 9 }, { flowId: greetFlow, variables: [{ name: 'name', value: { not: 'a string' } }] }],
      });
      expect(res.status).toBe(400);
      expect(res.body.details.problems.map((p: any) => p.field)).toEqual(['entries.0.flowId', 'entries.1.version', 'entries.2.variables.0.value', 'entries.2.variables']);
      const shape = await t.http.post(`${API}/teams/${teamId}/suites`).set(user.auth).send({ name: 'x', entries: [], mode: 'random', maxParallel: 0 });
      expect(shape.status).toBe(400);
      expect(shape.body.details.problems.map((p: any) => p.field).sort()).toEqual(['entries', 'maxParallel', 'mode']);
    });

    it('creates, lists with pagination, updates, refuses duplicate names and deletes', async () => {
      const names = ['crud a', 'crud b', 'crud c'];
      const created = [];
      for (const name of names) created.push(await createSuite(t, user, teamId, { name, tags: ['crud'], entries: [{ flowId: okFlow }] }));
      expect(created[0]).toMatchObject({ name: 'crud a', mode: 'parallel', maxParallel: 5, failFast: false, enabled: true, schedule: null, entries: [{ flowId: okFlow, version: null, variables: [] }] });
      const page1 = await t.http.get(`${API}/teams/${teamId}/suites?tag=crud&pageSize=2`).set(user.auth).expect(200);
      expect(page1.body).toMatchObject({ total: 3, page: 1, pageSize: 2 });
      expect(page1.body.items.map((s: any) => s.name)).toEqual(['crud a', 'crud b']);
      const page2 = await t.http.get(`${API}/teams/${teamId}/suites?tag=crud&pageSize=2&page=2`).set(user.auth).expect(200);
      expect(page2.body.items.map((s: any) => s.name)).toEqual(['crud c']);
      expect((await t.http.post(`${API}/teams/${teamId}/suites`).set(user.auth).send({ name: 'crud a', entries: [{ flowId: okFlow }] })).status).toBe(409);
      const updated = await t.http.patch(`${API}/teams/${teamId}/suites/${created[0].id}`).set(user.auth).send({ mode: 'sequential', failFast: true, description: 'now sequential' }).expect(200);
      expect(updated.body).toMatchObject({ mode: 'sequential', failFast: true, description: 'now sequential', name: 'crud a' });
      expect((await t.http.patch(`${API}/teams/${teamId}/suites/${created[0].id}`).set(user.auth).send({ name: 'crud b' })).status).toBe(409);
      expect((await t.http.get(`${API}/teams/${other.teamId}/suites/${created[0].id}`).set(other.user.auth)).status).toBe(404);
      await t.http.delete(`${API}/teams/${teamId}/suites/${created[2].id}`).set(user.auth).expect(204);
      expect((await t.http.get(`${API}/teams/${teamId}/suites/${created[2].id}`).set(user.auth)).status).toBe(404);
    });

    it('pauses the schedule while the suite is disabled and shows its next run time otherwise', async () => {
      const queue = t.app.get<Queue>(getQueueToken(SUITES_QUEUE));
      const suite = await createSuite(t, user, teamId, { name: 'scheduled yearly', entries: [{ flowId: okFlow }] });
      expect((await t.http.get(`${API}/teams/${teamId}/suites/${suite.id}/schedule`).set(user.auth)).status).toBe(404);
      const set = await t.http.put(`${API}/teams/${teamId}/suites/${suite.id}/schedule`).set(user.auth).send({ cron: '0 6 1 1 *', timezone: 'Europe/Berlin' }).expect(200);
      expect(set.body).toEqual({ cron: '0 6 1 1 *', timezone: 'Europe/Berlin', enabled: true, nextRunAt: expect.stringMatching(/-01-01T05:00:00.000Z$/) });
      expect(await queue.getJobScheduler(`suite-${suite.id}`)).toMatchObject({ pattern: '0 6 1 1 *', tz: 'Europe/Berlin' });
      const disabled = await t.http.patch(`${API}/teams/${teamId}/suites/${suite.id}`).set(user.auth).send({ enabled: false }).expect(200);
      expect(disabled.body.schedule).toMatchObject({ enabled: true, nextRunAt: null });
      expect(await queue.getJobScheduler(`suite-${suite.id}`)).toBeUndefined();
      await t.http.patch(`${API}/teams/${teamId}/suites/${suite.id}`).set(user.auth).send({ enabled: true }).expect(200);
      expect(await queue.getJobScheduler(`suite-${suite.id}`)).toBeDefined();
      const bad = await t.http.put(`${API}/teams/${teamId}/suites/${suite.id}/schedule`).set(user.auth).send({ cron: '61 * * * *' });
      expect(bad.status).toBe(400);
      expect(bad.body.details.problems[0].field).toBe('cron');
      await t.http.delete(`${API}/teams/${teamId}/suites/${suite.id}`).set(user.auth).expect(204);
      expect(await queue.getJobScheduler(`suite-${suite.id}`)).toBeUndefined();
    });

    it('does not run a disabled suite', async () => {
      const suite = await createSuite(t, user, teamId, { name: 'disabled', enabled: false, entries: [{ flowId: okFlow }] });
      expect((await t.http.post(`${API}/teams/${teamId}/suites/${suite.id}/run`).set(user.auth).send({})).status).toBe(409);
    });
  });

  it('runs a parallel suite with a failing flow: per-entry versions, variables and order are honoured', async () => {
    const suite = await createSuite(t, user, teamId, {
      name: 'parallel mixed',
      variables: [{ name: 'name', value: 'suite' }],
      entries: [
        { flowId: okFlow },
        { flowId: failFlow },
        { flowId: greetFlow, version: 1, variables: [{ name: 'name', value: 'pinned' }] },
        { flowId: greetFlow },
      ],
    });
    const started = await runSuite(t, user, teamId, suite.id);
    expect(started).toMatchObject({ suiteId: suite.id, status: 'IN_PROGRESS', trigger: 'api', counts: { total: 4 } });
    expect(started.items.map((i: any) => [i.position, i.flowName, i.flowVersion])).toEqual([[0, 'ok', 1], [1, 'fails', 1], [2, 'greet', 1], [3, 'greet', 2]]);
    const done = await waitForSuiteRun(t, user, teamId, started.id);
    expect(done).toMatchObject({ status: 'FAILED', outcome: 'failed', counts: { total: 4, passed: 3, failed: 1, cancelled: 0, pending: 0, running: 0 } });
    expect(done.items.map((i: any) => i.status)).toEqual(['COMPLETED', 'FAILED', 'COMPLETED', 'COMPLETED']);
    const greets = calls.filter((c) => c.path === '/greet').map((c) => c.query).sort();
    expect(greets).toEqual(['?name=pinned&v=1', '?name=suite&v=2']);
    const execution = await waitForExecution(t, user, teamId, done.items[1].executionId);
    expect(execution).toMatchObject({ trigger: 'suite', suiteRunId: started.id, status: 'FAILED' });
  });

  it('runs a sequential suite in order and goes on after a failure', async () => {
    const suite = await createSuite(t, user, teamId, { name: 'sequential', mode: 'sequential', entries: [{ flowId: okFlow }, { flowId: failFlow }, { flowId: okFlow }] });
    const done = await waitForSuiteRun(t, user, teamId, (await runSuite(t, user, teamId, suite.id)).id);
    expect(done).toMatchObject({ status: 'FAILED', counts: { passed: 2, failed: 1 } });
    const items = done.items;
    for (let i = 1; i < items.length; i++) expect(new Date(items[i].startedAt).getTime()).toBeGreaterThanOrEqual(new Date(items[i - 1].finishedAt).getTime());
  });

  it('stops a sequential fail-fast suite at the first failure and cancels the rest unstarted', async () => {
    const before = calls.length;
    const suite = await createSuite(t, user, teamId, { name: 'fail fast', mode: 'sequential', failFast: true, entries: [{ flowId: okFlow }, { flowId: failFlow }, { flowId: okFlow }, { flowId: okFlow }] });
    const done = await waitForSuiteRun(t, user, teamId, (await runSuite(t, user, teamId, suite.id)).id);
    expect(done).toMatchObject({ status: 'FAILED', stopReason: 'fail-fast: "fails" failed', counts: { total: 4, passed: 1, failed: 1, cancelled: 2, pending: 0 } });
    expect(done.items.map((i: any) => i.status)).toEqual(['COMPLETED', 'FAILED', 'CANCELLED', 'CANCELLED']);
    expect(done.items.slice(2).map((i: any) => [i.startedAt, i.queued])).toEqual([[null, false], [null, false]]);
    expect(calls.slice(before).map((c) => c.path)).toEqual(['/ok', '/fail']);
  });

  it('cancels running work of a parallel fail-fast suite when one flow fails', async () => {
    const suite = await createSuite(t, user, teamId, { name: 'parallel fail fast', failFast: true, maxParallel: 3, entries: [{ flowId: slowFlow }, { flowId: failFlow }, { flowId: slowFlow }, { flowId: okFlow }] });
    const done = await waitForSuiteRun(t, user, teamId, (await runSuite(t, user, teamId, suite.id)).id);
    expect(done.status).toBe('FAILED');
    expect(done.items.map((i: any) => i.status)).toEqual(['CANCELLED', 'FAILED', 'CANCELLED', 'CANCELLED']);
    expect(done.durationMs).toBeLessThan(3500);
  });

  it('never runs more than maxParallel at once', async () => {
    const flowId = await createFlow(t, user, teamId, { name: 'short delay', steps: [noRetry({ name: 'wait', type: 'delay', config: { delayMs: 250 } })] });
    const suite = await createSuite(t, user, teamId, { name: 'max 2', maxParallel: 2, entries: Array.from({ length: 6 }, () => ({ flowId })) });
    const done = await waitForSuiteRun(t, user, teamId, (await runSuite(t, user, teamId, suite.id)).id);
    expect(done.counts).toMatchObject({ passed: 6 });
    const edges = done.items.flatMap((i: any) => [[new Date(i.startedAt).getTime(), 1], [new Date(i.finishedAt).getTime(), -1]]).sort((a: number[], b: number[]) => a[0] - b[0] || a[1] - b[1]);
    let running = 0;
    let peak = 0;
    for (const [, delta] of edges) peak = Math.max(peak, (running += delta));
    expect(peak).toBe(2);
  });

  it('counts right when 20 executions finish together', async () => {
    const flowId = await createFlow(t, user, teamId, { name: 'tiny delay', steps: [noRetry({ name: 'wait', type: 'delay', config: { delayMs: 300 } })] });
    const suite = await createSuite(t, user, teamId, { name: 'twenty', maxParallel: 20, entries: Array.from({ length: 20 }, () => ({ flowId })) });
    const run = await runSuite(t, user, teamId, suite.id);
    expect(run.items.every((i: any) => i.queued)).toBe(true);
    const done = await waitForSuiteRun(t, user, teamId, run.id);
    expect(done).toMatchObject({ status: 'COMPLETED', outcome: 'passed', counts: { total: 20, passed: 20, failed: 0, cancelled: 0, pending: 0, running: 0 } });
    const finishes = done.items.map((i: any) => new Date(i.finishedAt).getTime());
    // They really did finish together (all 20 ran at once), which is what could lose updates.
    expect(Math.max(...finishes) - Math.min(...finishes)).toBeLessThan(1000);
  });

  it('cancels a suite run and its executions (running and not started)', async () => {
    const suite = await createSuite(t, user, teamId, { name: 'to cancel', mode: 'sequential', entries: [{ flowId: slowFlow }, { flowId: slowFlow }, { flowId: okFlow }] });
    const run = await runSuite(t, user, teamId, suite.id);
    await waitForSuiteRun(t, user, teamId, run.id, 10000, (r) => r.items[0].status === 'IN_PROGRESS');
    const cancelled = await t.http.post(`${API}/teams/${teamId}/suite-runs/${run.id}/cancel`).set(user.auth).expect(200);
    expect(cancelled.body.stopReason).toBe('cancelled on request');
    const done = await waitForSuiteRun(t, user, teamId, run.id, 10000);
    expect(done).toMatchObject({ status: 'CANCELLED', outcome: 'cancelled', counts: { cancelled: 3, passed: 0, pending: 0, running: 0 } });
    expect(done.durationMs).toBeLessThan(3500);
    const first = await waitForExecution(t, user, teamId, done.items[0].executionId);
    expect(first.steps[0].status).toBe('CANCELLED');
    expect((await t.http.post(`${API}/teams/${other.teamId}/suite-runs/${run.id}/cancel`).set(other.user.auth)).status).toBe(404);
  });

  describe('run and wait (CI)', () => {
    it('answers 200 with the final run when it finishes in time', async () => {
      const suite = await createSuite(t, user, teamId, { name: 'ci failing', entries: [{ flowId: okFlow }, { flowId: failFlow }] });
      const res = await t.http.post(`${API}/teams/${teamId}/suites/${suite.id}/run?wait=true&timeoutSec=30`).set(user.auth).send({});
      expect(res.status).toBe(200);
      expect(res.body).toMatchObject({ status: 'FAILED', outcome: 'failed', counts: { passed: 1, failed: 1, pending: 0 } });
      const passing = await createSuite(t, user, teamId, { name: 'ci passing', entries: [{ flowId: okFlow }, { flowId: greetFlow }], variables: [{ name: 'name', value: 'ci' }] });
      const ok = await t.http.post(`${API}/teams/${teamId}/suites/${passing.id}/run?wait=true`).set(user.auth).send({ variables: [{ name: 'name', value: 'from-ci' }] });
      expect(ok.status).toBe(200);
      expect(ok.body.outcome).toBe('passed');
      expect(JSON.stringify(ok.body)).toContain('"outcome":"passed"');
      expect(calls.some((c) => c.query === '?name=from-ci&v=2')).toBe(true);
    });

    it('answers 202 with the running run when the timeout passes first', async () => {
      const suite = await createSuite(t, user, teamId, { name: 'ci slow', entries: [{ flowId: slowFlow }] });
      const started = Date.now();
      const res = await t.http.post(`${API}/teams/${teamId}/suites/${suite.id}/run?wait=true&timeoutSec=1`).set(user.auth).send({});
      expect(res.status).toBe(202);
      expect(res.body).toMatchObject({ status: 'IN_PROGRESS', outcome: 'running' });
      expect(Date.now() - started).toBeLessThan(3000);
      await waitForSuiteRun(t, user, teamId, res.body.id);
    });

    it("the README's raw-API CI one-liner fails the job for a failing suite, passes a passing one, and fetches the JUnit report", async () => {
      const readme = readFileSync(path.join(__dirname, '../../README.md'), 'utf8');
      const ci = readme.slice(readme.indexOf('## CI'));
      const oneLiner = /```bash\n(.+)\n```/.exec(ci)![1];
      const fetchJUnit = /`(curl [^`]+ -o junit\.xml [^`]+)`/.exec(ci)![1];
      const key = await createApiKey(t, user, teamId, 'editor');
      const dir = mkdtempSync(path.join(tmpdir(), 'ats-ci-'));
      const sh = (script: string, suiteId: string) =>
        promisify(execFile)('bash', ['-o', 'pipefail', '-c', script], { cwd: dir, env: { ...process.env, ATS_API_KEY: key, ATS_URL: t.url, ATS_TEAM: teamId, ATS_SUITE: suiteId } }).then(
          () => 0,
          (error: { code?: number }) => error.code ?? 1,
        );
      try {
        const failing = await createSuite(t, user, teamId, { name: 'readme failing', entries: [{ flowId: okFlow }, { flowId: failFlow }] });
        const passing = await createSuite(t, user, teamId, { name: 'readme passing', entries: [{ flowId: okFlow }] });
        expect(await sh(oneLiner, failing.id)).not.toBe(0);
        expect(await sh(fetchJUnit, failing.id)).toBe(0);
        expect(readFileSync(path.join(dir, 'junit.xml'), 'utf8')).toContain('<testsuite name="readme failing" tests="2" failures="1"');
        expect(await sh(oneLiner, passing.id)).toBe(0);
        expect(existsSync(path.join(dir, 'ats-run.json'))).toBe(true);
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    });

    it('names a bad run variable', async () => {
      const suite = await createSuite(t, user, teamId, { name: 'ci vars', entries: [{ flowId: greetFlow, variables: [{ name: 'name', value: 'x' }] }] });
      const res = await t.http.post(`${API}/teams/${teamId}/suites/${suite.id}/run`).set(user.auth).send({ variables: [{ name: 'name', value: ['not', 'a', 'string'] }] });
      expect(res.status).toBe(400);
      expect(res.body.details.problems[0].field).toBe('variables.0.value');
    });
  });

  it('documents every suite, suite-run, webhook and report endpoint in Swagger with schemas and examples', async () => {
    const doc = (await t.http.get('/docs-json').expect(200)).body;
    const ours = Object.entries(doc.paths as Record<string, Record<string, any>>).filter(([p]) => /\/(suites|suite-runs)|\/report\.(xml|json)$/.test(p));
    const operations = ours.flatMap(([p, ops]) => Object.entries(ops).map(([method, op]) => ({ id: `${method.toUpperCase()} ${p}`, op })));
    expect(operations).toHaveLength(23);
    for (const { id, op } of operations) {
      expect([id, op.summary || op.description ? 'described' : 'undocumented']).toEqual([id, 'described']);
      expect([id, Object.keys(op.responses).some((code) => /^2/.test(code))]).toEqual([id, true]);
    }
    const create = doc.paths['/api/v1/teams/{teamId}/suites'].post;
    expect(Object.keys(create.requestBody.content['application/json'].examples)).toEqual(['parallel', 'sequential']);
    expect(create.responses['201'].content['application/json'].schema.$ref).toBe('#/components/schemas/SuiteDto');
    const run = doc.paths['/api/v1/teams/{teamId}/suites/{suiteId}/run'].post;
    expect(Object.keys(run.responses)).toEqual(expect.arrayContaining(['200', '201', '202', '400', '409']));
    expect(doc.paths['/api/v1/teams/{teamId}/suite-runs/{suiteRunId}/report.xml'].get.responses['200'].content['application/xml'].example).toContain('<testsuites');
    expect(doc.components.schemas.CreateWebhookDto.properties.secret.writeOnly).toBe(true);
    expect(doc.components.schemas.WebhookDto.properties.secret).toBeUndefined();
  });

  describe('live progress', () => {
    function connect(token: string): Promise<Socket> {
      const socket = io(`${t.url}/suite-runs`, { auth: { token }, transports: ['websocket'], reconnection: false });
      sockets.push(socket);
      return new Promise((resolve, reject) => {
        socket.on('connect', () => resolve(socket));
        socket.on('connect_error', reject);
      });
    }

    it('streams a snapshot, then ordered updates with starts, finishes and counts, over Socket.IO', async () => {
      const flowId = await createFlow(t, user, teamId, { name: 'live delay', steps: [noRetry({ name: 'wait', type: 'delay', config: { delayMs: 300 } })] });
      const suite = await createSuite(t, user, teamId, { name: 'live', mode: 'sequential', entries: [{ flowId }, { flowId: failFlow }, { flowId }] });
      const socket = await connect(user.accessToken);
      const run = await runSuite(t, user, teamId, suite.id);
      const events: Array<{ type: string; data: any }> = [];
      const finished = new Promise<void>((resolve) => {
        socket.on('snapshot', (data) => events.push({ type: 'snapshot', data }));
        socket.on('update', (data) => {
          events.push({ type: 'update', data });
          if (data.updateType === 'RUN_FINISHED') resolve();
        });
      });
      expect(await socket.emitWithAck('join', { suiteRunId: run.id })).toEqual({ ok: true });
      await finished;

      expect(events[0].type).toBe('snapshot');
      const snapshot = events[0].data;
      const updates = events.slice(1).map((e) => e.data);
      const suiteUpdates = updates.filter((u) => u.seq !== undefined);
      const seqs = suiteUpdates.map((u) => u.seq);
      expect(seqs).toEqual([...seqs].sort((a, b) => a - b));
      expect(seqs[0]).toBe(snapshot.seq + 1);
      expect(seqs[seqs.length - 1] - seqs[0] + 1).toBe(seqs.length); // no gaps
      const last = updates[updates.length - 1];
      expect(last).toMatchObject({ updateType: 'RUN_FINISHED', status: 'FAILED', counts: { passed: 2, failed: 1, pending: 0, running: 0 } });
      // Every execution is seen to finish exactly once (in the snapshot or as an update), in order.
      const finishedInSnapshot = snapshot.items.filter((i: any) => ['COMPLETED', 'FAILED'].includes(i.status)).map((i: any) => i.position);
      const finishedLive = updates.filter((u) => u.updateType === 'EXECUTION_FINISHED').map((u) => u.execution.position);
      expect([...finishedInSnapshot, ...finishedLive]).toEqual([0, 1, 2]);
      // Starts are relayed for executions that had not started when the snapshot was taken.
      const startedLive = updates.filter((u) => u.updateType === 'EXECUTION_STARTED').map((u) => u.execution.position);
      const notStartedInSnapshot = snapshot.items.filter((i: any) => i.status === 'PENDING').map((i: any) => i.position);
      expect(startedLive).toEqual(notStartedInSnapshot);
      // A start is announced before that execution's finish.
      for (const p of startedLive) {
        expect(updates.findIndex((u) => u.updateType === 'EXECUTION_STARTED' && u.execution.position === p)).toBeLessThan(
          updates.findIndex((u) => u.updateType === 'EXECUTION_FINISHED' && u.execution.position === p),
        );
      }
    });

    it("refuses another team's run and gives late joiners the final snapshot", async () => {
      const suite = await createSuite(t, user, teamId, { name: 'live late', entries: [{ flowId: okFlow }] });
      const run = await runSuite(t, user, teamId, suite.id);
      await waitForSuiteRun(t, user, teamId, run.id);
      const intruder = await connect(other.user.accessToken);
      expect(await intruder.emitWithAck('join', { suiteRunId: run.id })).toEqual({ ok: false, error: 'Suite run not found' });
      const socket = await connect(user.accessToken);
      const snapshot = new Promise<any>((resolve) => socket.on('snapshot', resolve));
      await socket.emitWithAck('join', { suiteRunId: run.id });
      expect((await snapshot).status).toBe('COMPLETED');
    });

    it('offers the same stream as Server-Sent Events, ending after RUN_FINISHED', async () => {
      const suite = await createSuite(t, user, teamId, { name: 'live sse', entries: [{ flowId: okFlow }, { flowId: okFlow }] });
      const run = await runSuite(t, user, teamId, suite.id);
      const res = await fetch(`${t.url}${API}/teams/${teamId}/suite-runs/${run.id}/events`, { headers: user.auth });
      expect(res.status).toBe(200);
      expect(res.headers.get('content-type')).toContain('text/event-stream');
      const text = await res.text();
      const events = text.split('\n\n').filter(Boolean).map((block) => Object.fromEntries(block.split('\n').map((l) => [l.slice(0, l.indexOf(':')), l.slice(l.indexOf(':') + 1).trim()])));
      expect(events[0].event).toBe('snapshot');
      const last = JSON.parse(events[events.length - 1].data);
      expect(last.updateType ?? last.status).toMatch(/RUN_FINISHED|COMPLETED/);
      expect((await fetch(`${t.url}${API}/teams/${other.teamId}/suite-runs/${run.id}/events`, { headers: other.user.auth })).status).toBe(404);
    });
  });
});
