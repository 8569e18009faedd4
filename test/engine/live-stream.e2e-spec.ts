import { io, type Socket } from 'socket.io-client';
import { createFlow, noRetry, runFlow, waitForExecution } from '../support/flow-helpers';
import { ownerWithTeam, API, type TestUser } from '../support/identity-helpers';
import { startTestApp, type TestApp } from '../support/test-app';

describe('live execution stream (Redis pub/sub → Socket.IO and SSE)', () => {
  let t: TestApp;
  let owner: { user: TestUser; teamId: string };
  let other: { user: TestUser; teamId: string };
  let flowId: string;
  const sockets: Socket[] = [];

  beforeAll(async () => {
    t = await startTestApp('live');
    owner = await ownerWithTeam(t, 'live');
    other = await ownerWithTeam(t, 'intruder');
    flowId = await createFlow(t, owner.user, owner.teamId, {
      name: 'three delays',
      steps: [1, 2, 3].map((n) => noRetry({ name: `wait${n}`, type: 'delay', config: { delayMs: 150 } })),
    });
  });
  afterAll(async () => {
    sockets.forEach((s) => s.disconnect());
    await t.close();
  });

  function connect(token: string): Promise<Socket> {
    const socket = io(`${t.url}/executions`, { auth: { token }, transports: ['websocket'], reconnection: false });
    sockets.push(socket);
    return new Promise((resolve, reject) => {
      socket.on('connect', () => resolve(socket));
      socket.on('connect_error', reject);
    });
  }

  /** Snapshot first, then every later update once, in order and without a gap, to EXECUTION_FINISHED. */
  function expectWholeStream(snapshot: any, updates: any[]): void {
    const seqs = updates.map((u) => u.seq);
    expect(seqs).toEqual([...seqs].sort((a, b) => a - b));
    expect(new Set(seqs).size).toBe(seqs.length);
    expect(Math.min(...seqs)).toBe(snapshot.seq + 1);
    // Contiguous from the snapshot to the end: nothing lost.
    expect(seqs[seqs.length - 1] - seqs[0] + 1).toBe(seqs.length);
    const stepFinishes = updates.filter((u) => u.updateType === 'STEP_FINISHED').map((u) => u.stepUpdate.name);
    const finishedBeforeJoin = snapshot.steps.filter((s: any) => s.status === 'SUCCESS').map((s: any) => s.name);
    expect([...finishedBeforeJoin, ...stepFinishes]).toEqual(['wait1', 'wait2', 'wait3']);
    expect(updates[updates.length - 1]).toMatchObject({ updateType: 'EXECUTION_FINISHED', executionStatus: 'COMPLETED' });
  }

  /** Joins `executionId` (with `extra` in the join) and records every event, in order, until the run's end. */
  async function watchToTheEnd(socket: Socket, executionId: string, extra: object = {}): Promise<Array<{ type: string; data: any }>> {
    const events: Array<{ type: string; data: any }> = [];
    const finished = new Promise<void>((resolve) => {
      const record = (type: string) => (data: any) => {
        events.push({ type, data });
        if ([data].flat().some((u: any) => u?.updateType === 'EXECUTION_FINISHED')) resolve();
      };
      for (const type of ['snapshot', 'update', 'updates']) socket.on(type, record(type));
    });
    expect(await socket.emitWithAck('join', { executionId, ...extra })).toEqual({ ok: true });
    await finished;
    return events;
  }

  it('sends a snapshot, then every update in order, to completion', async () => {
    const socket = await connect(owner.user.accessToken);
    const run = await runFlow(t, owner.user, owner.teamId, flowId);
    const events = await watchToTheEnd(socket, run.id);

    expect(events[0].type).toBe('snapshot');
    expect(events.slice(1).every((e) => e.type === 'update')).toBe(true);
    expectWholeStream(events[0].data, events.slice(1).map((e) => e.data));
  });

  it('joined with batch: true, sends the updates of one worker message as one `updates` event, same order and guarantees', async () => {
    const socket = await connect(owner.user.accessToken);
    const run = await runFlow(t, owner.user, owner.teamId, flowId);
    const events = await watchToTheEnd(socket, run.id, { batch: true });

    expect(events[0].type).toBe('snapshot');
    const batches = events.slice(1);
    expect(batches.every((e) => e.type === 'updates' && e.data.length > 0)).toBe(true);
    // A step's STEP_FINISHED and the next step's STEP_STARTED are stored and published together.
    expect(batches.some((e) => e.data.length > 1)).toBe(true);
    expectWholeStream(events[0].data, batches.flatMap((e) => e.data));
  });

  it('answers a second join of the same execution on the same socket with a fresh snapshot (how a client resyncs), then goes on from it', async () => {
    const socket = await connect(owner.user.accessToken);
    const run = await runFlow(t, owner.user, owner.teamId, flowId);
    const events: Array<{ type: string; data: any }> = [];
    socket.on('snapshot', (data) => events.push({ type: 'snapshot', data }));
    socket.on('update', (data) => events.push({ type: 'update', data }));
    expect(await socket.emitWithAck('join', { executionId: run.id })).toEqual({ ok: true });
    expect(await socket.emitWithAck('join', { executionId: run.id })).toEqual({ ok: true });
    await waitForExecution(t, owner.user, owner.teamId, run.id);
    await new Promise((resolve) => setTimeout(resolve, 300)); // the last update's relay

    const snapshots = events.map((e, i) => ({ ...e, i })).filter((e) => e.type === 'snapshot');
    expect(snapshots).toHaveLength(2);
    const afterSecond = events.slice(snapshots[1].i + 1).map((e) => e.data);
    expect(afterSecond.every((u) => u.updateType)).toBe(true);
    if (snapshots[1].data.status === 'COMPLETED') expect(afterSecond).toEqual([]);
    else expectWholeStream(snapshots[1].data, afterSecond);
  });

  it('gives a late joiner the final snapshot', async () => {
    const run = await runFlow(t, owner.user, owner.teamId, flowId);
    await waitForExecution(t, owner.user, owner.teamId, run.id);
    const socket = await connect(owner.user.accessToken);
    const snapshot = new Promise<any>((resolve) => socket.on('snapshot', resolve));
    await socket.emitWithAck('join', { executionId: run.id });
    expect((await snapshot).status).toBe('COMPLETED');
  });

  it('accepts a join sent the moment the socket connects, while its credentials are still being checked', async () => {
    const run = await runFlow(t, owner.user, owner.teamId, flowId);
    // Twenty sockets each joining in their 'connect' handler: before the fix, some answered
    // "Not authenticated" because the handshake's database check had not finished yet.
    const answers = await Promise.all(
      Array.from({ length: 20 }, () => connect(owner.user.accessToken).then((socket) => socket.emitWithAck('join', { executionId: run.id }))),
    );
    expect(answers).toEqual(Array(20).fill({ ok: true }));
  });

  it("refuses another team's execution and unauthenticated sockets", async () => {
    const run = await runFlow(t, owner.user, owner.teamId, flowId);
    const intruder = await connect(other.user.accessToken);
    let leaked = false;
    intruder.on('snapshot', () => (leaked = true));
    expect(await intruder.emitWithAck('join', { executionId: run.id })).toEqual({ ok: false, error: 'Execution not found' });
    const anonymous = io(`${t.url}/executions`, { auth: { token: 'garbage' }, transports: ['websocket'], reconnection: false });
    sockets.push(anonymous);
    await new Promise<void>((resolve) => anonymous.on('disconnect', () => resolve()));
    expect(leaked).toBe(false);
  });

  it('offers the same stream as Server-Sent Events', async () => {
    const run = await runFlow(t, owner.user, owner.teamId, flowId);
    const res = await fetch(`${t.url}${API}/teams/${owner.teamId}/executions/${run.id}/events`, { headers: owner.user.auth });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toContain('text/event-stream');
    const text = await res.text(); // the server ends the stream after the final event
    const events = text.split('\n\n').filter(Boolean).map((block) => Object.fromEntries(block.split('\n').map((l) => [l.slice(0, l.indexOf(':')), l.slice(l.indexOf(':') + 1).trim()])));
    expect(events[0].event).toBe('snapshot');
    const last = JSON.parse(events[events.length - 1].data);
    expect(last.updateType ?? last.status).toMatch(/EXECUTION_FINISHED|COMPLETED/);
    const other404 = await fetch(`${t.url}${API}/teams/${other.teamId}/executions/${run.id}/events`, { headers: other.user.auth });
    expect(other404.status).toBe(404);
  });
});
