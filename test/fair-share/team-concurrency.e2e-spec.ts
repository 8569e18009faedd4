import { getQueueToken } from '@nestjs/bullmq';
import type { Queue } from 'bullmq';
import type { Client } from 'pg';
import { EXECUTIONS_QUEUE, RUN_EXECUTION_JOB } from '../../src/queue/queue.constants';
import { io, type Socket } from 'socket.io-client';
import { connectDb, waitUntil } from '../drills/drill-support';
import { createFlow, noRetry, runFlow, waitForExecution } from '../support/flow-helpers';
import { addMember, API, createTeam, ownerWithTeam, registerUser, type TestUser } from '../support/identity-helpers';
import { startTestApp, type TestApp } from '../support/test-app';
import { peakConcurrency, runTimes, setTeamLimit } from './fair-share-support';

/**
 * Issue #15: one team cannot starve the others. Team A (limit 2) fills its slots with long runs and
 * queues more; B's short run is not delayed — A's waiting runs hold no worker slot — and A's extra
 * runs start in submission order as A's slots free, with the reason visible while they wait.
 */
describe('fair share: per-team concurrency', () => {
  let t: TestApp;
  let db: Client;
  let owner: TestUser;
  let teamA: string;
  let teamB: string;
  let longFlow: string;
  let shortFlow: string;
  const sockets: Socket[] = [];

  beforeAll(async () => {
    // Three worker slots: with A's five runs holding slots (the old behaviour), B would wait for A.
    // The deployment default is 1 here, so that teams without their own limit are seen to get it.
    t = await startTestApp('fair_share', { env: { WORKER_CONCURRENCY: '3', TEAM_MAX_CONCURRENT_EXECUTIONS: '1' } });
    db = await connectDb(t);
    const a = await ownerWithTeam(t, 'fairshare');
    owner = a.user;
    teamA = a.teamId;
    teamB = await createTeam(t, owner, a.orgId, 'team B');
    longFlow = await createFlow(t, owner, teamA, { name: 'long', steps: [noRetry({ name: 'wait', type: 'delay', config: { delayMs: 1500 } })] });
    shortFlow = await createFlow(t, owner, teamB, { name: 'short', steps: [noRetry({ name: 'tick', type: 'delay', config: { delayMs: 1 } })] });
  });
  afterAll(async () => {
    sockets.forEach((s) => s.disconnect());
    await db?.end();
    await t?.close();
  });

  it('lets only an org owner/admin set a team limit, within the ceiling', async () => {
    const teamAdmin = await registerUser(t, 'teamadmin');
    await addMember(t, owner, teamA, teamAdmin, 'admin');
    const denied = await t.http.patch(`${API}/teams/${teamA}`).set(teamAdmin.auth).send({ maxConcurrentExecutions: 40 });
    expect(denied.status).toBe(403);
    expect(denied.body.message).toMatch(/maxConcurrentExecutions/);
    const tooHigh = await t.http.patch(`${API}/teams/${teamA}`).set(owner.auth).send({ maxConcurrentExecutions: 51 });
    expect(tooHigh.status).toBe(400);
    expect(tooHigh.body.details.problems[0]).toMatchObject({ field: 'maxConcurrentExecutions', message: expect.stringContaining('at most 50') });
    expect((await t.http.patch(`${API}/teams/${teamA}`).set(owner.auth).send({ maxConcurrentExecutions: 0 })).status).toBe(400);
    const set = await t.http.patch(`${API}/teams/${teamA}`).set(owner.auth).send({ maxConcurrentExecutions: 2 }).expect(200);
    expect(set.body).toMatchObject({ id: teamA, maxConcurrentExecutions: 2 });
  });

  it("runs B's short run at once while A is at its limit, and starts A's waiting runs in submission order", async () => {
    await setTeamLimit(t, owner, teamA, 2);
    const a: string[] = [];
    for (let i = 0; i < 5; i++) a.push((await runFlow(t, owner, teamA, longFlow)).id); // one by one: submission order is defined

    // Two run, three wait with the reason in their JSON; none of the waiting ones holds a worker slot.
    await waitUntil('A to have 2 running and 3 waiting', async () => {
      const rows = await runTimes(db, a);
      return rows.filter((r) => r.status === 'IN_PROGRESS').length === 2 && (await waitingIds(a)).length === 3;
    }, 10_000, 25);
    const waiting = await waitForExecution(t, owner, teamA, a[4], 5000, (e) => e.waitingReason !== null);
    expect(waiting).toMatchObject({ status: 'PENDING', waitingReason: expect.stringMatching(/^waiting: team at its concurrency limit 2\/2/) });

    // The live stream shows it too: the snapshot of a waiting run carries the reason.
    const socket = io(`${t.url}/executions`, { auth: { token: owner.accessToken }, transports: ['websocket'], reconnection: false });
    sockets.push(socket);
    const snapshot = new Promise<any>((resolve) => socket.on('snapshot', resolve));
    await new Promise<void>((resolve, reject) => (socket.on('connect', () => resolve()), socket.on('connect_error', reject)));
    await socket.emitWithAck('join', { executionId: a[3] });
    expect(await snapshot).toMatchObject({ status: 'PENDING', waitingReason: expect.stringMatching(/^waiting: team at its concurrency limit 2\/2/) });

    const submitted = Date.now();
    const b = await runFlow(t, owner, teamB, shortFlow);
    const bDone = await waitForExecution(t, owner, teamB, b.id, 5000);
    expect(bDone.status).toBe('COMPLETED');
    expect(Date.now() - submitted).toBeLessThan(1000);

    for (const id of a) expect((await waitForExecution(t, owner, teamA, id, 20_000)).status).toBe('COMPLETED');
    const times = await runTimes(db, a);
    expect(peakConcurrency(times)).toBe(2);
    // The waiting runs were admitted in submission order, each after the first two started: when a
    // later run started, the earlier runs not yet started fitted in the team's limit beside the running
    // ones — no later run took a slot an earlier waiting run needed. (Two runs admitted by one promotion,
    // when both of A's slots free at once, are claimed by two worker slots in either order; their start
    // times may then interleave by milliseconds, which is not a jump of the queue.)
    const starts = times.map((r) => r.started!);
    expect(Math.min(...starts.slice(2))).toBeGreaterThan(Math.max(starts[0], starts[1]));
    const queueJumps = times.slice(2).flatMap((run, k) => {
      const at = run.started!;
      const running = times.filter((r) => r.started! <= at && (r.finished === null || r.finished > at)).length;
      const earlierNotStarted = times.slice(0, k + 2).filter((r) => r.started! > at).length;
      return running + earlierNotStarted > 2 ? [{ run: k + 2, running, earlierNotStarted }] : [];
    });
    expect(queueJumps).toEqual([]);
    const done = await t.http.get(`${API}/teams/${teamA}/executions/${a[4]}`).set(owner.auth).expect(200);
    expect(done.body.waitingReason).toBeNull();
  }, 40_000);

  it('publishes the wait on the live stream of a run that finds its team full', async () => {
    await setTeamLimit(t, owner, teamA, 1);
    const first = await runFlow(t, owner, teamA, longFlow);
    await waitForExecution(t, owner, teamA, first.id, 5000, (e) => e.status === 'IN_PROGRESS');
    const socket = io(`${t.url}/executions`, { auth: { token: owner.accessToken }, transports: ['websocket'], reconnection: false });
    sockets.push(socket);
    await new Promise<void>((resolve, reject) => (socket.on('connect', () => resolve()), socket.on('connect_error', reject)));
    const seen: any[] = [];
    socket.on('snapshot', (data) => seen.push({ snapshot: data }));
    socket.on('update', (data) => seen.push(data));
    // A delayed run: joined before its claim, so the EXECUTION_WAITING update itself is seen.
    const second = await runFlow(t, owner, teamA, longFlow, { parameters: { initialDelay: 300 } });
    await socket.emitWithAck('join', { executionId: second.id });
    await waitUntil('the EXECUTION_WAITING update', async () => seen.some((u) => u.updateType === 'EXECUTION_WAITING'), 5000, 25);
    expect(seen.find((u) => u.updateType === 'EXECUTION_WAITING')).toMatchObject({ executionStatus: 'PENDING', message: 'waiting: team at its concurrency limit 1/1' });
    expect((await waitForExecution(t, owner, teamA, second.id, 10_000)).status).toBe('COMPLETED');
  }, 20_000);

  it('cancels a waiting run, and the runs behind it still start', async () => {
    await setTeamLimit(t, owner, teamA, 1);
    const ids: string[] = [];
    for (let i = 0; i < 3; i++) ids.push((await runFlow(t, owner, teamA, longFlow)).id);
    await waitUntil('two runs to wait', async () => (await waitingIds(ids)).length === 2, 5000, 25);
    const cancelled = await t.http.post(`${API}/teams/${teamA}/executions/${ids[1]}/cancel`).set(owner.auth).expect(200);
    expect(cancelled.body.status).toBe('CANCELLED');
    expect((await waitForExecution(t, owner, teamA, ids[2], 10_000)).status).toBe('COMPLETED');
    expect((await waitForExecution(t, owner, teamA, ids[0], 1000)).status).toBe('COMPLETED');
  }, 20_000);

  it('gives a team without its own limit the deployment default (TEAM_MAX_CONCURRENT_EXECUTIONS)', async () => {
    const teamC = await createTeam(t, owner, (await t.http.get(`${API}/teams/${teamA}`).set(owner.auth)).body.orgId, 'team C');
    const flow = await createFlow(t, owner, teamC, { name: 'long', steps: [noRetry({ name: 'wait', type: 'delay', config: { delayMs: 1000 } })] });
    const first = await runFlow(t, owner, teamC, flow);
    const second = await runFlow(t, owner, teamC, flow);
    const waiting = await waitForExecution(t, owner, teamC, second.id, 5000, (e) => e.waitingReason !== null || e.status !== 'PENDING');
    expect(waiting.waitingReason).toBe('waiting: team at its concurrency limit 1/1');
    expect((await waitForExecution(t, owner, teamC, second.id, 10_000)).status).toBe('COMPLETED');
    expect(peakConcurrency(await runTimes(db, [first.id, second.id]))).toBe(1);
  }, 20_000);

  it('ignores a job of an earlier wait (a re-queue by another path): a promoted run is driven once', async () => {
    await setTeamLimit(t, owner, teamA, 1);
    const first = await runFlow(t, owner, teamA, longFlow);
    await waitForExecution(t, owner, teamA, first.id, 5000, (e) => e.status === 'IN_PROGRESS');
    const second = await runFlow(t, owner, teamA, longFlow);
    await waitForExecution(t, owner, teamA, second.id, 5000, (e) => e.waitingReason !== null);
    const running = await waitForExecution(t, owner, teamA, second.id, 10_000, (e) => e.status === 'IN_PROGRESS');
    expect(running.slotWaits).toBe(1);
    // The run's first job (id = execution id) comes back, as a straggler re-queue would bring it.
    const queue = t.app.get<Queue>(getQueueToken(EXECUTIONS_QUEUE));
    await (await queue.getJob(second.id))?.remove();
    await queue.add(RUN_EXECUTION_JOB, { executionId: second.id, teamId: teamA }, { jobId: second.id });
    const done = await waitForExecution(t, owner, teamA, second.id, 10_000);
    expect(done).toMatchObject({ status: 'COMPLETED', attempt: 1, recoveries: [] });
  }, 30_000);

  async function waitingIds(ids: string[]): Promise<string[]> {
    const { rows } = await db.query(`SELECT id FROM executions WHERE id = ANY($1::uuid[]) AND status = 'PENDING' AND waiting_reason IS NOT NULL`, [ids]);
    return rows.map((r) => r.id);
  }
});
