import type { Client } from 'pg';
import { io, type Socket } from 'socket.io-client';
import type { ServiceProcess } from '../../bench/lib/processes';
import { createFlow, noRetry, runFlow, waitForExecution } from '../support/flow-helpers';
import { ownerWithTeam, type TestUser } from '../support/identity-helpers';
import { startTestApp, type TestApp } from '../support/test-app';
import { connectDb, freePort, inconsistentExecutions, RedisServer, startWorkerFor, statusCounts, statusOf, TERMINAL, waitUntil } from './drill-support';

/**
 * Drill: Redis (queue, pub/sub, rate limits) is killed and restarted empty on the same port while
 * executions run. The API (in this process) and a worker child process reconnect by themselves; every
 * execution that was running reaches a terminal state; live clients get updates again after rejoining.
 * Needs `npm run build` (the worker runs dist/src/main.js).
 */
describe('drill: Redis restart during runs', () => {
  let redis: RedisServer;
  let t: TestApp;
  let db: Client;
  let worker: ServiceProcess | undefined;
  let user: TestUser;
  let teamId: string;
  let flowId: string;
  const sockets: Socket[] = [];

  beforeAll(async () => {
    redis = new RedisServer(await freePort());
    await redis.start();
    t = await startTestApp('drill_redis', { env: { APP_MODE: 'api', REDIS_URL: redis.url } });
    db = await connectDb(t);
    worker = await startWorkerFor(t, { WORKER_CONCURRENCY: '50' });
    ({ user, teamId } = await ownerWithTeam(t, 'redis'));
    flowId = await createFlow(t, user, teamId, {
      name: 'six half-second steps',
      steps: Array.from({ length: 6 }, (_, i) => noRetry({ name: `wait${i}`, type: 'delay', config: { delayMs: 500 } })),
    });
  });
  afterAll(async () => {
    sockets.forEach((s) => s.disconnect());
    await worker?.stop('SIGKILL');
    await db?.end();
    await t?.close();
    await redis?.kill();
  });

  function connect(): Promise<Socket> {
    const socket = io(`${t.url}/executions`, { auth: { token: user.accessToken }, transports: ['websocket'], reconnection: false });
    sockets.push(socket);
    return new Promise((resolve, reject) => {
      socket.once('connect', () => resolve(socket));
      socket.once('connect_error', reject);
    });
  }

  it('finishes every running execution, and the API, worker and live stream work again', async () => {
    const ids = (await Promise.all(Array.from({ length: 20 }, () => runFlow(t, user, teamId, flowId)))).map((r) => r.id);
    const socket = await connect();
    const watched = ids[0];
    expect(await socket.emitWithAck('join', { executionId: watched })).toEqual({ ok: true });
    await waitUntil('all 20 executions to run', async () => (await statusCounts(db, ids)).IN_PROGRESS === 20, 15_000);

    await redis.kill();
    await new Promise((r) => setTimeout(r, 1500)); // steps keep running without Redis
    await redis.start();

    // Execution records live in Postgres: all running executions finish despite the lost queue state.
    await waitUntil('the 20 executions to finish', async () => (await statusCounts(db, ids)).COMPLETED === 20, 30_000, 250);
    expect(await inconsistentExecutions(db)).toEqual([]);

    // The API reconnected: readiness is green and a new run is queued, picked up and finished.
    await waitUntil('API readiness', async () => (await t.http.get('/health/ready')).status === 200, 15_000, 200);
    await waitUntil('worker readiness', async () => (await fetch(`${worker!.url}/health/ready`)).status === 200, 15_000, 200);

    // Live: rejoining gives a fresh snapshot, and updates of a new run flow again (worker → Redis → API → socket).
    const snapshot = new Promise<any>((resolve) => socket.once('snapshot', resolve));
    await socket.emitWithAck('leave', { executionId: watched });
    expect(await socket.emitWithAck('join', { executionId: watched })).toEqual({ ok: true });
    expect((await snapshot).status).toBe('COMPLETED');

    const updates: any[] = [];
    const fresh = await runFlow(t, user, teamId, flowId, { parameters: { initialDelay: 1000 } });
    const freshSnapshot = new Promise<any>((resolve) => socket.on('snapshot', (snap) => snap.id === fresh.id && resolve(snap)));
    const finished = new Promise<void>((resolve) =>
      socket.on('update', (u) => {
        if (u.executionId !== fresh.id) return;
        updates.push(u);
        if (u.updateType === 'EXECUTION_FINISHED') resolve();
      }),
    );
    expect(await socket.emitWithAck('join', { executionId: fresh.id })).toEqual({ ok: true });
    await finished;
    // Every step is accounted for: finished before the join (in the snapshot) or streamed after it.
    const doneAtJoin = (await freshSnapshot).steps.filter((st: any) => st.status === 'SUCCESS').length;
    expect(updates.filter((u) => u.updateType === 'STEP_FINISHED')).toHaveLength(6 - doneAtJoin);
    expect(doneAtJoin).toBeLessThan(6);
    expect((await waitForExecution(t, user, teamId, fresh.id)).status).toBe('COMPLETED');
  }, 75_000);

  // Was bug B2: Redis holds the only copy of a queued job, so an execution still waiting in the queue
  // (here: delayed) when Redis loses its data used to stay PENDING forever. The worker's execution
  // reconciler (src/engine/worker/execution-reconciler.service.ts) now finds PENDING single runs whose
  // job is missing and re-queues them with what is left of their initialDelay; this runs with its
  // default interval (EXECUTION_RECONCILE_INTERVAL_MS = 5 s) in the worker child process.
  it('re-queues an execution whose queued job was lost with the Redis data', async () => {
    const queued = await runFlow(t, user, teamId, flowId, { parameters: { initialDelay: 2000 } });
    await redis.kill();
    await redis.start();
    // Worst case: the 2 s grace period plus a 5 s pass interval before the re-queue, then 3 s of steps.
    await waitUntil('the queued execution to finish', async () => TERMINAL.includes(await statusOf(db, queued.id)), 20_000, 250);
    expect(await statusOf(db, queued.id)).toBe('COMPLETED');
    expect(await inconsistentExecutions(db)).toEqual([]);
  }, 30_000);
});
