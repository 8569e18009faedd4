import { randomUUID } from 'node:crypto';
import { InjectQueue } from '@nestjs/bullmq';
import { Inject, Injectable, Logger, type OnApplicationBootstrap, type OnModuleDestroy } from '@nestjs/common';
import type { Queue } from 'bullmq';
import type Redis from 'ioredis';
import { AppConfig } from '../../config/app-config';
import { ExecutionRecoveryStore, type LostExecutionRow, type PendingCursor } from '../../executions/execution-recovery.store';
import { type ExecutionJobData, executionJobId } from '../../executions/execution-job-queue';
import { ExecutionProgressService } from '../../executions/execution-progress.service';
import { ExecutionsService } from '../../executions/executions.service';
import { AtsMetrics } from '../../metrics/ats-metrics';
import { EXECUTIONS_QUEUE } from '../../queue/queue.constants';
import { REDIS_CLIENT } from '../../redis/redis.constants';
import { RedisFactory } from '../../redis/redis.factory';
import { HEARTBEAT_STALE_INTERVALS } from './execution-heartbeat.service';

/** Executions looked at per pass; a longer backlog is walked over the next passes (keyset cursor). */
export const RECONCILE_BATCH_SIZE = 100;
/**
 * An execution younger than this is left alone: the API writes the row, commits, then adds the job,
 * so a very young row may simply not be queued yet. Re-adding would be harmless (same job id) but noisy.
 */
export const RECONCILE_GRACE_MS = 2000;

/** Position in the (created_at, id) order of PENDING executions where the next pass continues. */
export type ReconcileCursor = PendingCursor;

export const RECONCILE_START: ReconcileCursor = { createdAt: '-infinity', id: '00000000-0000-0000-0000-000000000000' };

export interface ReconcileResult {
  /** False when another worker held the lock, so this pass did nothing. */
  ran: boolean;
  checked: number;
  requeued: number;
}

/** Delay still owed to an execution of this age: what is left of its initialDelay, never negative. */
export function remainingDelayMs(initialDelay: unknown, ageMs: number): number {
  const delay = typeof initialDelay === 'number' && Number.isFinite(initialDelay) && initialDelay > 0 ? initialDelay : 0;
  const age = Number.isFinite(ageMs) ? Math.max(0, ageMs) : 0;
  return Math.max(0, Math.ceil(delay - age));
}

/**
 * Where the next pass starts: after the last row of a full batch, or from the beginning again when the
 * batch was short (the end of the backlog was reached), so every PENDING row is visited in turn.
 */
export function nextCursor(rows: ReadonlyArray<{ id: string; created_at: string }>, batchSize: number): ReconcileCursor {
  if (rows.length < batchSize || rows.length === 0) return RECONCILE_START;
  const last = rows[rows.length - 1];
  return { createdAt: last.created_at, id: last.id };
}

/** Ids of the candidates whose job is gone from the queue (`jobs[i]` is what getJob answered for `candidates[i]`). */
export function missingJobIds(candidates: ReadonlyArray<{ id: string }>, jobs: ReadonlyArray<unknown>): string[] {
  return candidates.filter((_, i) => !jobs[i]).map((c) => c.id);
}

// Compare-and-delete: only the holder's token releases the lock.
const RELEASE_LOCK = `if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('del', KEYS[1]) else return 0 end`;

/**
 * Safety net for single flow runs whose queue job was lost (bug B2): Redis holds the only copy of a
 * waiting or delayed job, so when Redis loses its data a PENDING execution would wait forever.
 * Periodically (EXECUTION_RECONCILE_INTERVAL_MS) a worker walks the PENDING executions that are not
 * part of a suite run (suites queue their own executions as slots free up, and have their own
 * reconciler), asks BullMQ for each one's job, and re-queues those whose job is missing, with what is
 * left of their initialDelay.
 *
 * Safe against double processing because the execution id is the job id: BullMQ's add is a no-op for
 * a job id that exists, so two workers (or this and the API finishing a slow enqueue) re-adding the
 * same execution still make one job. A Redis lock keeps concurrent passes from doing the work twice
 * (and logging it twice); it is an optimisation, not what makes the re-queue correct. A pass holds no
 * database transaction or row lock while it talks to Redis.
 *
 * Cancellation: ExecutionsService.cancel flags the row (cancel_requested_at) before it removes the job,
 * and a pass re-reads the row in Postgres after it saw the job missing, so a job removed by a cancel
 * is never re-added; the flagged row is skipped.
 *
 * IN_PROGRESS executions are re-queued only when their job is missing AND their worker stopped
 * stamping them (heartbeat older than HEARTBEAT_STALE_INTERVALS intervals): a worker that is still
 * running one (it keeps going while Redis is down and finishes it in Postgres) keeps its stamp fresh,
 * and resuming such a run elsewhere would run it twice at once (FlowRunner's claim is not exclusive).
 */
@Injectable()
export class ExecutionReconcilerService implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly logger = new Logger(ExecutionReconcilerService.name);
  private timer?: NodeJS.Timeout;
  private stopped = false;
  private inFlight?: Promise<ReconcileResult | undefined>;
  private cursor: ReconcileCursor = RECONCILE_START;
  /** Message of the last failed pass, so an outage logs once instead of every interval. */
  private lastFailure?: string;

  constructor(
    private readonly config: AppConfig,
    private readonly store: ExecutionRecoveryStore,
    @InjectQueue(EXECUTIONS_QUEUE) private readonly queue: Queue<ExecutionJobData>,
    private readonly executions: ExecutionsService,
    @Inject(REDIS_CLIENT) private readonly redis: Redis,
    private readonly redisFactory: RedisFactory,
    private readonly progress: ExecutionProgressService,
    private readonly metrics: AtsMetrics,
  ) {}

  onApplicationBootstrap(): void {
    this.schedule();
  }

  async onModuleDestroy(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.timer);
    // A pass stuck on a Redis outage must not hold up shutdown; one that is finishing gets a moment.
    if (this.inFlight) await Promise.race([this.inFlight, new Promise((resolve) => setTimeout(resolve, 2000).unref())]);
  }

  private schedule(): void {
    if (this.stopped) return;
    // A chain of timeouts rather than an interval: passes never overlap, even when one waits on Redis.
    this.timer = setTimeout(() => {
      this.inFlight = this.runPass();
      void this.inFlight.finally(() => {
        this.inFlight = undefined;
        this.schedule();
      });
    }, this.config.EXECUTION_RECONCILE_INTERVAL_MS);
    this.timer.unref();
  }

  /** One pass that never throws: Postgres or Redis being down is logged (once per distinct error) and retried next interval. */
  private async runPass(): Promise<ReconcileResult | undefined> {
    try {
      const result = await this.reconcileOnce();
      if (this.lastFailure !== undefined) this.logger.log('Execution reconciler passes succeed again');
      this.lastFailure = undefined;
      return result;
    } catch (error) {
      const message = (error as Error)?.message ?? String(error);
      if (message !== this.lastFailure) this.logger.warn({ err: error }, `Execution reconciler pass failed (retried every interval): ${message}`);
      this.lastFailure = message;
      return undefined;
    }
  }

  /** One reconcile pass under the cluster-wide lock; exported for tests. Throws when Postgres or Redis fails. */
  async reconcileOnce(): Promise<ReconcileResult> {
    const lockKey = this.redisFactory.key('locks', 'execution-reconciler');
    const token = randomUUID();
    // The TTL only matters if the holder dies mid-pass (a pass normally takes milliseconds): then no
    // worker reconciles until it expires, so it is a few intervals, not a fixed 30 s that outlived the
    // stale-heartbeat window of a short interval. A pass outliving it at worst runs beside another one,
    // which the lock never made correct anyway (see the class comment).
    const ttl = Math.max(5_000, 4 * this.config.EXECUTION_RECONCILE_INTERVAL_MS);
    if ((await this.redis.set(lockKey, token, 'PX', ttl, 'NX')) !== 'OK') return { ran: false, checked: 0, requeued: 0 };
    try {
      return await this.pass();
    } finally {
      await this.redis.eval(RELEASE_LOCK, 1, lockKey, token).catch(() => undefined);
    }
  }

  private async pass(): Promise<ReconcileResult> {
    const pending = await this.pendingPass();
    const running = await this.runningPass();
    const waiting = await this.waitingPass();
    return { ran: true, checked: pending.checked + running.checked + waiting, requeued: pending.requeued + running.requeued + waiting };
  }

  /**
   * Waiting runs (their team was at its concurrency limit) that may start now: normally a finishing run
   * of the team queued them already, and queueing again is a no-op (same job id per wait); this catches
   * a promotion lost between the finish statement and Redis. Answers how many were (re-)queued.
   */
  private async waitingPass(): Promise<number> {
    const rows = await this.store.promotableWaiting(this.config.TEAM_MAX_CONCURRENT_EXECUTIONS, this.config.TEAM_MAX_CONCURRENT_EXECUTIONS_CEILING);
    for (const row of rows) await this.progress.promote(row.team_id, [{ id: row.id, slotWaits: row.slot_waits }]);
    return rows.length;
  }

  /**
   * IN_PROGRESS executions whose worker stopped stamping them (ExecutionHeartbeatService) and whose job
   * is gone: their worker died while Redis lost the job, so neither BullMQ's stalled-job check nor
   * anything else would ever resume them. Re-queued with no delay; the worker that takes the job
   * resumes the run (claim records the recovery). A run whose worker is alive has a fresh stamp, or a
   * job, and is never touched. Suite executions included: they were queued and started like any run.
   */
  private async runningPass(): Promise<{ checked: number; requeued: number }> {
    const staleMs = HEARTBEAT_STALE_INTERVALS * this.config.EXECUTION_HEARTBEAT_INTERVAL_MS;
    const candidates = await this.store.staleRunning(staleMs, RECONCILE_BATCH_SIZE);
    return this.requeueMissing(candidates, {
      // Re-read: a worker may have claimed one (fresh stamp) since the first query.
      reread: (missing) => this.store.staleStillLost(staleMs, missing),
      delayMs: () => 0,
      message: 'Re-queued an IN_PROGRESS execution whose worker stopped and whose queue job was missing',
    });
  }

  private async pendingPass(): Promise<{ checked: number; requeued: number }> {
    const candidates = await this.store.pendingCandidates(RECONCILE_GRACE_MS, this.cursor, RECONCILE_BATCH_SIZE);
    this.cursor = nextCursor(candidates, RECONCILE_BATCH_SIZE);
    return this.requeueMissing(candidates, {
      // Re-read after the job was seen missing: a cancel flags the row before it removes the job, and a
      // worker marks it IN_PROGRESS on pickup, so only rows still waiting for a job that is gone remain.
      reread: (missing) => this.store.pendingStillLost(missing),
      delayMs: (row) => remainingDelayMs(row.parameters?.initialDelay, Number(row.age_ms)),
      message: 'Re-queued a PENDING execution whose queue job was missing',
    });
  }

  /**
   * Asks BullMQ for each candidate's job; re-reads those whose job is missing (the row may have moved on
   * meanwhile) and re-queues what is still lost. ExecutionsService.enqueue owns the job options; only
   * the delay is chosen here.
   */
  private async requeueMissing(
    candidates: ReadonlyArray<{ id: string; slot_waits?: number }>,
    how: { reread: (missing: string[]) => Promise<LostExecutionRow[]>; delayMs: (row: LostExecutionRow) => number; message: string },
  ): Promise<{ checked: number; requeued: number }> {
    if (!candidates.length) return { checked: 0, requeued: 0 };
    const jobs = await Promise.all(candidates.map((c) => this.queue.getJob(executionJobId(c.id, c.slot_waits))));
    const missing = missingJobIds(candidates, jobs);
    if (!missing.length) return { checked: candidates.length, requeued: 0 };
    let requeued = 0;
    for (const row of await how.reread(missing)) {
      if (this.stopped) break;
      const delayMs = how.delayMs(row);
      await this.executions.enqueue({ id: row.id, teamId: row.team_id, parameters: { initialDelay: delayMs }, slotWaits: row.slot_waits });
      requeued++;
      this.metrics.reconcilerRecoveries.inc();
      this.logger.warn({ executionId: row.id, teamId: row.team_id, delayMs }, how.message);
    }
    return { checked: candidates.length, requeued };
  }
}
