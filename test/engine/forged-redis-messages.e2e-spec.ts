import Redis from 'ioredis';
import { io, type Socket } from 'socket.io-client';
import { EXECUTION_CANCEL_CHANNEL, EXECUTION_UPDATES_CHANNEL } from '../../src/executions/execution-update';
import { createFlow, noRetry, runFlow, waitForExecution } from '../support/flow-helpers';
import { API, ownerWithTeam, type TestUser } from '../support/identity-helpers';
import { startTestApp, type TestApp } from '../support/test-app';
import { TEST_REDIS_URL } from '../support/test-env';

/**
 * Whoever can publish on the service's Redis (with the right key prefix) must not be able to cancel
 * another team's run or freeze its live view: the database decides.
 */
describe('forged Redis messages', () => {
  let t: TestApp;
  let victim: { user: TestUser; teamId: string };
  let attacker: { user: TestUser; teamId: string };
  let redis: Redis;
  let twoDelays: string;
  const sockets: Socket[] = [];

  beforeAll(async () => {
    t = await startTestApp('forged-redis');
    victim = await ownerWithTeam(t, 'victim');
    attacker = await ownerWithTeam(t, 'attacker');
    redis = new Redis(TEST_REDIS_URL);
    twoDelays = await createFlow(t, victim.user, victim.teamId, {
      name: 'two delays',
      steps: [1, 2].map((n) => noRetry({ name: `wait${n}`, type: 'delay', config: { delayMs: 800 } })),
    });
  });
  afterAll(async () => {
    sockets.forEach((s) => s.disconnect());
    await redis.quit();
    await t.close();
  });

  const channel = (name: string) => `${t.config.REDIS_PREFIX}:${name}`;
  const inProgress = (id: string) => waitForExecution(t, victim.user, victim.teamId, id, 10_000, (e) => e.status === 'IN_PROGRESS');

  it('ignores a cancel published on Redis without a cancel request through the API', async () => {
    const run = await runFlow(t, victim.user, victim.teamId, twoDelays);
    await inProgress(run.id);
    expect(await redis.publish(channel(EXECUTION_CANCEL_CHANNEL), run.id)).toBeGreaterThan(0);
    const done = await waitForExecution(t, victim.user, victim.teamId, run.id);
    expect(done.status).toBe('COMPLETED');
    expect(done.steps.map((s: any) => s.status)).toEqual(['SUCCESS', 'SUCCESS']);
  });

  it('still cancels a running execution on a request through the API', async () => {
    const run = await runFlow(t, victim.user, victim.teamId, twoDelays);
    await inProgress(run.id);
    await t.http.post(`${API}/teams/${victim.teamId}/executions/${run.id}/cancel`).set(victim.user.auth).expect(200);
    const done = await waitForExecution(t, victim.user, victim.teamId, run.id);
    expect(done.status).toBe('CANCELLED');
    expect(done.steps[1].status).not.toBe('SUCCESS');
  });

  it('keeps a live view going after forged updates with a huge seq', async () => {
    const socket = io(`${t.url}/executions`, { auth: { token: victim.user.accessToken }, transports: ['websocket'], reconnection: false });
    sockets.push(socket);
    await new Promise<void>((resolve, reject) => {
      socket.on('connect', () => resolve());
      socket.on('connect_error', reject);
    });
    const run = await runFlow(t, victim.user, victim.teamId, twoDelays);
    await inProgress(run.id);

    const events: Array<{ type: string; data: any }> = [];
    let firstSnapshot!: () => void;
    const snapshotSeen = new Promise<void>((resolve) => (firstSnapshot = resolve));
    const finished = new Promise<any>((resolve) => {
      socket.on('snapshot', (data) => {
        events.push({ type: 'snapshot', data });
        firstSnapshot();
        if (data.status === 'COMPLETED') resolve(data);
      });
      socket.on('update', (data) => {
        events.push({ type: 'update', data });
        if (data.updateType === 'EXECUTION_FINISHED') resolve(data);
      });
    });
    expect(await socket.emitWithAck('join', { executionId: run.id })).toEqual({ ok: true });
    await snapshotSeen;

    const forged = (teamId: string) =>
      JSON.stringify({
        executionId: run.id,
        teamId,
        seq: 999_999,
        updateType: 'EXECUTION_FINISHED',
        executionStatus: 'FAILED',
        message: 'forged',
        at: new Date().toISOString(),
      });
    // Another team's id (dropped), then the right one (a gap: answered with a snapshot from the database).
    await redis.publish(channel(EXECUTION_UPDATES_CHANNEL), forged(attacker.teamId));
    await redis.publish(channel(EXECUTION_UPDATES_CHANNEL), forged(victim.teamId));

    const final = await finished;
    expect(final.updateType === 'EXECUTION_FINISHED' ? final.executionStatus : final.status).toBe('COMPLETED');
    expect(events.some((e) => e.data.seq === 999_999 || e.data.message === 'forged')).toBe(false);
    // The right-team forgery was answered with a second snapshot; real updates kept coming after it.
    const snapshots = events.filter((e) => e.type === 'snapshot');
    expect(snapshots.length).toBeGreaterThanOrEqual(2);
    const afterResync = events.slice(events.indexOf(snapshots[1]) + 1);
    expect(afterResync.some((e) => e.type === 'update' && e.data.seq === snapshots[1].data.seq + 1)).toBe(true);
    const stored = await waitForExecution(t, victim.user, victim.teamId, run.id);
    expect(stored.status).toBe('COMPLETED');
  });
});
