import type { ExecutionStatusUpdate } from '../execution-update';
import { MonotonicClock } from './monotonic-clock';
import { ProgressLane, type StepWrite } from './progress-lane';

function update(seq: number): ExecutionStatusUpdate {
  return { executionId: 'e', teamId: 't', seq, updateType: 'STEP_STARTED', executionStatus: 'IN_PROGRESS', at: '' };
}

/** A sink whose writes complete only when the test says so. */
function controlledSink() {
  const batches: Array<{ writes: StepWrite[]; seq: number; seqs: number[]; done: (error?: Error) => void }> = [];
  const sink = (writes: StepWrite[], seq: number, updates: ExecutionStatusUpdate[]) =>
    new Promise<void>((resolve, reject) => batches.push({ writes, seq, seqs: updates.map((u) => u.seq), done: (error) => (error ? reject(error) : resolve()) }));
  return { batches, sink };
}

const tick = () => new Promise((resolve) => setImmediate(resolve));

describe('ProgressLane', () => {
  it('writes the first push at once and merges what queues up meanwhile into one batch, in order', async () => {
    const { batches, sink } = controlledSink();
    const lane = new ProgressLane(0, sink);
    const first = lane.push([{ stepIndex: 0, status: 'IN_PROGRESS', startedAt: 'a' }], [update(lane.nextSeq())]);
    await tick();
    expect(batches).toHaveLength(1);
    const second = lane.push([{ stepIndex: 0, status: 'SUCCESS', finishedAt: 'b' }, { stepIndex: 1, status: 'IN_PROGRESS', startedAt: 'c' }], [update(lane.nextSeq()), update(lane.nextSeq())]);
    const third = lane.push([{ stepIndex: 1, status: 'ERROR', error: 'boom' }], [update(lane.nextSeq())]);
    await tick();
    expect(batches).toHaveLength(1); // nothing overtakes the batch in flight
    batches[0].done();
    await first;
    await tick();
    expect(batches).toHaveLength(2);
    expect(batches[1].seq).toBe(4);
    expect(batches[1].seqs).toEqual([2, 3, 4]);
    expect(batches[1].writes).toEqual([
      { stepIndex: 0, status: 'SUCCESS', finishedAt: 'b' },
      { stepIndex: 1, status: 'ERROR', startedAt: 'c', error: 'boom' }, // fields merged, the later status wins
    ]);
    batches[1].done();
    await Promise.all([second, third, lane.drain()]);
  });

  it('poisons itself after a failed batch: later pushes and drain reject with that error', async () => {
    const { batches, sink } = controlledSink();
    const lane = new ProgressLane(5, sink);
    const first = lane.push([{ stepIndex: 0, status: 'IN_PROGRESS' }], [update(lane.nextSeq())]);
    const queued = lane.push([{ stepIndex: 0, status: 'SUCCESS' }], [update(lane.nextSeq())]);
    await tick();
    batches[0].done(new Error('database gone'));
    await expect(first).rejects.toThrow('database gone');
    await expect(queued).rejects.toThrow('database gone');
    await expect(lane.push([{ stepIndex: 1, status: 'IN_PROGRESS' }], [update(lane.nextSeq())])).rejects.toThrow('database gone');
    await expect(lane.drain()).rejects.toThrow('database gone');
    expect(batches).toHaveLength(1); // the queued batch was not written after the failure
    expect((lane.failed as Error).message).toBe('database gone');
  });

  it('drains at once when nothing was pushed', async () => {
    await expect(new ProgressLane(0, () => Promise.reject(new Error('unused'))).drain()).resolves.toBeUndefined();
  });
});

describe('MonotonicClock', () => {
  it('stamps microseconds and never repeats or goes back, even when the wall clock does', () => {
    const readings = [1_000_000_000_000_123, 1_000_000_000_000_123, 1_000_000_000_000_100];
    const clock = new MonotonicClock(() => readings.shift()!);
    const stamps = [clock.now(), clock.now(), clock.now()];
    expect(stamps[0]).toBe('2001-09-09T01:46:40.000123Z');
    expect(stamps[1]).toBe('2001-09-09T01:46:40.000124Z');
    expect(stamps[2]).toBe('2001-09-09T01:46:40.000125Z');
  });
});

describe('ProgressLane.close', () => {
  it('waits for the batch in flight and hands back what is queued instead of writing it', async () => {
    const { batches, sink } = controlledSink();
    const lane = new ProgressLane(0, sink);
    void lane.push([{ stepIndex: 0, status: 'IN_PROGRESS' }], [update(lane.nextSeq())]);
    await tick();
    void lane.push([{ stepIndex: 0, status: 'SUCCESS' }, { stepIndex: 1, status: 'IN_PROGRESS' }], [update(lane.nextSeq()), update(lane.nextSeq())]);
    const closed = lane.close();
    await tick();
    batches[0].done();
    const remaining = await closed;
    await tick();
    expect(batches).toHaveLength(1); // the queued batch was not written by the lane
    expect(remaining.writes.map((w) => [w.stepIndex, w.status])).toEqual([[0, 'SUCCESS'], [1, 'IN_PROGRESS']]);
    expect(remaining.updates.map((u) => u.seq)).toEqual([2, 3]);
  });
});

describe('ProgressLane pacing (minBatchIntervalMs)', () => {
  const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

  it('writes the first push of an idle lane at once, and what follows no sooner than the interval after it', async () => {
    const { batches, sink } = controlledSink();
    const lane = new ProgressLane(0, sink, 200);
    const startedAt = performance.now();
    void lane.push([{ stepIndex: 0, status: 'IN_PROGRESS' }], [update(lane.nextSeq())]);
    await tick();
    expect(batches).toHaveLength(1); // idle lane: no wait
    batches[0].done();
    await tick();
    // Three fast transitions after the first batch is stored: they wait out the interval, then leave together.
    const later = lane.push([{ stepIndex: 0, status: 'SUCCESS' }, { stepIndex: 1, status: 'IN_PROGRESS' }], [update(lane.nextSeq()), update(lane.nextSeq())]);
    void lane.push([{ stepIndex: 1, status: 'SUCCESS' }], [update(lane.nextSeq())]);
    await sleep(50);
    expect(batches).toHaveLength(1);
    while (batches.length < 2) await sleep(5);
    expect(performance.now() - startedAt).toBeGreaterThanOrEqual(195);
    expect(batches[1].seqs).toEqual([2, 3, 4]);
    expect(batches[1].writes.map((w) => [w.stepIndex, w.status])).toEqual([[0, 'SUCCESS'], [1, 'SUCCESS']]);
    batches[1].done();
    await later;
    // Idle for longer than the interval: the next push is written at once again.
    await sleep(210);
    void lane.push([{ stepIndex: 2, status: 'IN_PROGRESS' }], [update(lane.nextSeq())]);
    await tick();
    expect(batches).toHaveLength(3);
  });

  it('paces the first batch from a write made elsewhere (the claim), so a short run leaves everything to close()', async () => {
    const { batches, sink } = controlledSink();
    const lane = new ProgressLane(0, sink, 10_000);
    lane.markWritten();
    void lane.push([{ stepIndex: 0, status: 'SUCCESS' }], [update(lane.nextSeq())]);
    await tick();
    expect(batches).toHaveLength(0);
    const remaining = await lane.close();
    expect(remaining.writes).toEqual([{ stepIndex: 0, status: 'SUCCESS' }]);
    expect(batches).toHaveLength(0);
  });

  it('does not hold up close(): what waits for its turn is handed back at once', async () => {
    const { batches, sink } = controlledSink();
    const lane = new ProgressLane(0, sink, 10_000);
    void lane.push([{ stepIndex: 0, status: 'IN_PROGRESS' }], [update(lane.nextSeq())]);
    await tick();
    batches[0].done();
    await tick();
    void lane.push([{ stepIndex: 0, status: 'SUCCESS' }], [update(lane.nextSeq())]);
    const startedAt = performance.now();
    const remaining = await lane.close();
    expect(performance.now() - startedAt).toBeLessThan(5_000);
    expect(remaining.writes).toEqual([{ stepIndex: 0, status: 'SUCCESS' }]);
    expect(remaining.updates.map((u) => u.seq)).toEqual([2]);
    expect(batches).toHaveLength(1);
  });
});
