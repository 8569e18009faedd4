import { Logger } from '@nestjs/common';
import type { AppConfig } from '../../config/app-config';
import { ExecutionRecoveryStore } from '../../executions/execution-recovery.store';
import { AtsMetrics } from '../../metrics/ats-metrics';
import {
  ExecutionReconcilerService,
  missingJobIds,
  nextCursor,
  RECONCILE_BATCH_SIZE,
  RECONCILE_START,
  remainingDelayMs,
} from './execution-reconciler.service';

describe('remainingDelayMs', () => {
  it('is what is left of the initial delay', () => {
    expect(remainingDelayMs(5000, 1200)).toBe(3800);
    expect(remainingDelayMs(5000, 1199.4)).toBe(3801); // rounded up: never start early
  });

  it('is 0 once the scheduled start has passed, or without a delay', () => {
    expect(remainingDelayMs(2000, 2000)).toBe(0);
    expect(remainingDelayMs(2000, 90_000)).toBe(0);
    expect(remainingDelayMs(undefined, 10)).toBe(0);
    expect(remainingDelayMs(0, 10)).toBe(0);
  });

  it('treats a malformed delay or age as none rather than producing NaN or a negative delay', () => {
    expect(remainingDelayMs('5000', 10)).toBe(0);
    expect(remainingDelayMs(-5, 10)).toBe(0);
    expect(remainingDelayMs(Number.NaN, 10)).toBe(0);
    expect(remainingDelayMs(3000, Number.NaN)).toBe(3000);
    expect(remainingDelayMs(3000, -50)).toBe(3000); // clock skew cannot lengthen the delay
  });
});

describe('nextCursor', () => {
  const rows = (n: number) => Array.from({ length: n }, (_, i) => ({ id: `id-${i}`, created_at: `2026-11-27 10:00:0${i}.123456+00` }));

  it('continues after the last row of a full batch', () => {
    expect(nextCursor(rows(3), 3)).toEqual({ createdAt: '2026-11-27 10:00:02.123456+00', id: 'id-2' });
  });

  it('starts over when the batch was short or empty (end of the backlog)', () => {
    expect(nextCursor(rows(2), 3)).toBe(RECONCILE_START);
    expect(nextCursor([], 3)).toBe(RECONCILE_START);
  });
});

describe('missingJobIds', () => {
  it('keeps the candidates BullMQ has no job for', () => {
    expect(missingJobIds([{ id: 'a' }, { id: 'b' }, { id: 'c' }], [{ id: 'a' }, undefined, null])).toEqual(['b', 'c']);
  });
});

describe('ExecutionReconcilerService.reconcileOnce', () => {
  let warn: jest.SpyInstance;
  beforeEach(() => (warn = jest.spyOn(Logger.prototype, 'warn').mockImplementation(() => undefined)));
  afterEach(() => warn.mockRestore());

  function setup(
    options: {
      lockTaken?: boolean;
      candidates?: string[];
      jobs?: string[];
      stillPending?: Array<{ id: string; initialDelay?: number; age: number }>;
      /** IN_PROGRESS runs with a stale heartbeat: found by the first query, and still stale when re-read. */
      staleRunning?: string[];
      stillStale?: string[];
      /** What ats_team_promotions answers: waiting runs that may start now. */
      promotable?: Array<{ team_id: string; id: string; slot_waits: number }>;
    } = {},
  ) {
    const queries: Array<{ sql: string; params: unknown[] }> = [];
    const runningQueries: Array<{ sql: string; params: unknown[] }> = [];
    const db = {
      query: jest.fn(async (sql: string, params: unknown[]) => {
        if (sql.includes('ats_team_promotions')) return options.promotable ?? [];
        if (sql.includes("status = 'IN_PROGRESS'")) {
          runningQueries.push({ sql, params });
          const ids = runningQueries.length === 1 ? (options.staleRunning ?? []) : (options.stillStale ?? []);
          return ids.map((id) => ({ id, team_id: 'team' }));
        }
        queries.push({ sql, params });
        if (queries.length === 1) return (options.candidates ?? []).map((id, i) => ({ id, created_at: `2026-11-27 10:00:00.00000${i}+00` }));
        return (options.stillPending ?? []).map((r) => ({ id: r.id, team_id: 'team', parameters: r.initialDelay === undefined ? {} : { initialDelay: r.initialDelay }, age_ms: r.age }));
      }),
    };
    const queue = { getJob: jest.fn(async (id: string) => ((options.jobs ?? []).includes(id) ? { id } : undefined)) };
    const executions = { enqueue: jest.fn(async () => undefined) };
    const redis = { set: jest.fn(async () => (options.lockTaken ? null : 'OK')), eval: jest.fn(async () => 1) };
    const redisFactory = { key: (...parts: string[]) => ['ats', ...parts].join(':') };
    const config = { EXECUTION_RECONCILE_INTERVAL_MS: 5000, EXECUTION_HEARTBEAT_INTERVAL_MS: 5000 } as AppConfig;
    const progress = { promote: jest.fn(async () => undefined) };
    const metrics = new AtsMetrics();
    const service = new ExecutionReconcilerService(config, new ExecutionRecoveryStore(db as never), queue as never, executions as never, redis as never, redisFactory as never, progress as never, metrics);
    return { service, db, queries, runningQueries, queue, executions, redis, progress, metrics };
  }

  it('re-queues only PENDING executions whose job is missing and that are still PENDING after the check, with the remaining delay', async () => {
    const { service, executions, queries, redis, metrics } = setup({
      candidates: ['queued', 'lost-delayed', 'lost-due', 'cancelled-meanwhile'],
      jobs: ['queued'],
      stillPending: [
        { id: 'lost-delayed', initialDelay: 10_000, age: 4000 },
        { id: 'lost-due', initialDelay: 1000, age: 4000 },
      ],
    });
    expect(await service.reconcileOnce()).toEqual({ ran: true, checked: 4, requeued: 2 });
    // The re-check asks Postgres only about the ids whose job was missing.
    expect(queries[1].params).toEqual([['lost-delayed', 'lost-due', 'cancelled-meanwhile']]);
    expect(queries[1].sql).toMatch(/status = 'PENDING'.*cancel_requested_at IS NULL/s);
    expect(executions.enqueue.mock.calls).toEqual([
      [{ id: 'lost-delayed', teamId: 'team', parameters: { initialDelay: 6000 } }],
      [{ id: 'lost-due', teamId: 'team', parameters: { initialDelay: 0 } }],
    ]);
    expect(redis.eval).toHaveBeenCalledTimes(1); // lock released
    expect((await metrics.reconcilerRecoveries.get()).values[0].value).toBe(2);
    // One log line per re-queue, naming the execution and the delay it got.
    expect(warn.mock.calls.map((c) => c[0])).toEqual([
      { executionId: 'lost-delayed', teamId: 'team', delayMs: 6000 },
      { executionId: 'lost-due', teamId: 'team', delayMs: 0 },
    ]);
  });

  it('takes its lock for a few intervals only, so a worker killed mid-pass stops recovery for that long (not 30 s)', async () => {
    const { service, redis } = setup();
    await service.reconcileOnce();
    // Interval 5 s: 20 s. The lost-running e2e (interval 500 ms) counts on 5 s, well inside its stale-heartbeat wait.
    expect(redis.set).toHaveBeenCalledWith('ats:locks:execution-reconciler', expect.any(String), 'PX', 20_000, 'NX');
  });

  it('selects only single runs (no suite executions), never cancelled ones, past the grace period, in batches', async () => {
    const { service, queries } = setup();
    await service.reconcileOnce();
    expect(queries[0].sql).toMatch(/status = 'PENDING' AND suite_run_id IS NULL AND parent_execution_id IS NULL AND cancel_requested_at IS NULL/);
    expect(queries[0].params).toEqual([expect.any(Number), RECONCILE_START.createdAt, RECONCILE_START.id, RECONCILE_BATCH_SIZE]);
    expect(queries).toHaveLength(1); // nothing to look up in Redis
  });

  it('promotes waiting runs that may start now (a promotion lost by a finishing run is made again)', async () => {
    const { service, progress } = setup({ promotable: [{ team_id: 't1', id: 'w1', slot_waits: 2 }] });
    expect(await service.reconcileOnce()).toEqual({ ran: true, checked: 1, requeued: 1 });
    expect(progress.promote.mock.calls).toEqual([['t1', [{ id: 'w1', slotWaits: 2 }]]]);
  });

  it('asks for the job a promoted run was started by (its id names the wait)', async () => {
    const { service, queue } = setup();
    (service as unknown as { store: { staleRunning: () => Promise<unknown> } }).store.staleRunning = async () => [{ id: 'r1', slot_waits: 1 }];
    (service as unknown as { store: { staleStillLost: () => Promise<unknown> } }).store.staleStillLost = async () => [];
    await service.reconcileOnce();
    expect(queue.getJob.mock.calls.map((c) => c[0])).toContain('r1-w1');
  });

  it('does nothing when every job is present', async () => {
    const { service, executions, queries } = setup({ candidates: ['a', 'b'], jobs: ['a', 'b'] });
    expect(await service.reconcileOnce()).toEqual({ ran: true, checked: 2, requeued: 0 });
    expect(queries).toHaveLength(1);
    expect(executions.enqueue).not.toHaveBeenCalled();
  });

  it('skips the pass while another worker holds the lock', async () => {
    const { service, db, redis } = setup({ lockTaken: true, candidates: ['a'] });
    expect(await service.reconcileOnce()).toEqual({ ran: false, checked: 0, requeued: 0 });
    expect(db.query).not.toHaveBeenCalled();
    expect(redis.eval).not.toHaveBeenCalled();
  });

  it('releases the lock when Postgres fails mid-pass', async () => {
    const { service, db, redis } = setup();
    db.query.mockRejectedValueOnce(new Error('connection terminated'));
    await expect(service.reconcileOnce()).rejects.toThrow('connection terminated');
    expect(redis.eval).toHaveBeenCalledTimes(1);
  });

  it('walks a long backlog batch by batch, then starts over', async () => {
    const full = Array.from({ length: RECONCILE_BATCH_SIZE }, (_, i) => `id-${i}`);
    const { service, queries } = setup({ candidates: full, jobs: full });
    await service.reconcileOnce();
    await service.reconcileOnce();
    // The second pass continues after the last row of the first (the fake answers the same batch again).
    expect(queries[1].params.slice(1, 3)).toEqual([expect.stringMatching(/^2026-11-27/), `id-${RECONCILE_BATCH_SIZE - 1}`]);
  });

  it('re-queues IN_PROGRESS runs only when their heartbeat is stale, their job is missing, and they are still stale on re-read', async () => {
    const { service, executions, runningQueries } = setup({
      staleRunning: ['has-job', 'lost', 'claimed-meanwhile'],
      jobs: ['has-job'],
      stillStale: ['lost'],
    });
    expect(await service.reconcileOnce()).toEqual({ ran: true, checked: 3, requeued: 1 });
    expect(runningQueries[0].params).toEqual([30_000, RECONCILE_BATCH_SIZE]); // 6 heartbeat intervals of 5 s
    expect(runningQueries[1].params).toEqual([30_000, ['lost', 'claimed-meanwhile']]);
    expect(runningQueries[1].sql).toMatch(/heartbeat_at IS NULL OR heartbeat_at < now\(\)/);
    expect(executions.enqueue).toHaveBeenCalledTimes(1);
    expect(executions.enqueue).toHaveBeenCalledWith({ id: 'lost', teamId: 'team', parameters: { initialDelay: 0 } });
  });
});

describe('ExecutionReconcilerService timer', () => {
  beforeEach(() => {
    jest.useFakeTimers();
    jest.spyOn(Logger.prototype, 'log').mockImplementation(() => undefined);
  });
  afterEach(() => {
    jest.useRealTimers();
    jest.restoreAllMocks();
  });

  it('runs passes every interval, survives a failing pass, and stops on module destroy', async () => {
    const reconcile = jest.fn().mockRejectedValueOnce(new Error('ECONNREFUSED')).mockResolvedValue({ ran: true, checked: 0, requeued: 0 });
    const service = new ExecutionReconcilerService({ EXECUTION_RECONCILE_INTERVAL_MS: 1000 } as AppConfig, {} as never, {} as never, {} as never, {} as never, {} as never, {} as never, new AtsMetrics());
    service.reconcileOnce = reconcile;
    const warn = jest.spyOn(Logger.prototype, 'warn').mockImplementation(() => undefined);
    service.onApplicationBootstrap();
    await jest.advanceTimersByTimeAsync(999);
    expect(reconcile).toHaveBeenCalledTimes(0);
    await jest.advanceTimersByTimeAsync(1);
    expect(reconcile).toHaveBeenCalledTimes(1);
    expect(warn).toHaveBeenCalledTimes(1);
    await jest.advanceTimersByTimeAsync(2000);
    expect(reconcile).toHaveBeenCalledTimes(3);
    await service.onModuleDestroy();
    await jest.advanceTimersByTimeAsync(10_000);
    expect(reconcile).toHaveBeenCalledTimes(3);
  });

  it('logs a repeated failure once, not every interval', async () => {
    const reconcile = jest.fn().mockRejectedValue(new Error('connect ECONNREFUSED 127.0.0.1:6379'));
    const service = new ExecutionReconcilerService({ EXECUTION_RECONCILE_INTERVAL_MS: 1000 } as AppConfig, {} as never, {} as never, {} as never, {} as never, {} as never, {} as never, new AtsMetrics());
    service.reconcileOnce = reconcile;
    const warn = jest.spyOn(Logger.prototype, 'warn').mockImplementation(() => undefined);
    service.onApplicationBootstrap();
    await jest.advanceTimersByTimeAsync(5000);
    expect(reconcile).toHaveBeenCalledTimes(5);
    expect(warn).toHaveBeenCalledTimes(1);
    await service.onModuleDestroy();
  });

});
