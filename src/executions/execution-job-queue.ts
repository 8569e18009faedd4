import { InjectQueue } from '@nestjs/bullmq';
import { Injectable } from '@nestjs/common';
import type { Job, Queue } from 'bullmq';
import { EXECUTION_JOB_ATTEMPTS, EXECUTIONS_QUEUE, RUN_EXECUTION_JOB } from '../queue/queue.constants';
import type { Execution } from './execution.entity';

export interface ExecutionJobData {
  executionId: string;
  teamId: string;
}

/**
 * Job id of an execution's run job. The first job's id is the execution id; a run that found its team
 * at its concurrency limit ended that job (it must not hold a worker slot while it waits), and BullMQ
 * ignores an add whose id is still stored — so each promotion after the n-th wait is `<id>-w<n>`.
 * Every promoter of one wait (the finishing run, the reconciler) computes the same id, so a promotion
 * made twice is still one job: an execution is never driven by two jobs at once.
 */
export function executionJobId(executionId: string, slotWaits = 0): string {
  return slotWaits > 0 ? `${executionId}-w${slotWaits}` : executionId;
}

/**
 * The wait a run job belongs to (the inverse of executionJobId), or undefined for an id of another
 * shape. A job of an earlier wait is stale: its claim must not start or resume the run (another job
 * — the current wait's — drives it).
 */
export function slotWaitsOfJobId(jobId: string | undefined, executionId: string): number | undefined {
  if (jobId === executionId) return 0;
  const prefix = `${executionId}-w`;
  if (!jobId?.startsWith(prefix)) return undefined;
  const waits = Number(jobId.slice(prefix.length));
  return Number.isInteger(waits) && waits > 0 ? waits : undefined;
}

/** What queueing needs to know of an execution. */
export type QueuedExecution = Pick<Execution, 'id' | 'teamId'> & { parameters?: Execution['parameters']; slotWaits?: number };

/** The executions queue: the one place that knows run jobs' ids and options. */
@Injectable()
export class ExecutionJobQueue {
  constructor(@InjectQueue(EXECUTIONS_QUEUE) private readonly queue: Queue<ExecutionJobData>) {}

  /** Queues a PENDING execution; queueing the same execution and wait twice is a no-op (same job id). */
  async add(execution: QueuedExecution): Promise<void> {
    const job = this.job(execution);
    await this.queue.add(job.name, job.data, job.opts);
  }

  /** Queues several PENDING executions in one round trip to Redis (a batch of runs). */
  async addMany(executions: readonly QueuedExecution[]): Promise<void> {
    await this.queue.addBulk(executions.map((e) => this.job(e)));
  }

  private job(execution: QueuedExecution) {
    return {
      name: RUN_EXECUTION_JOB,
      data: { executionId: execution.id, teamId: execution.teamId },
      opts: {
        jobId: executionJobId(execution.id, execution.slotWaits),
        delay: execution.parameters?.initialDelay ?? 0,
        // BullMQ attempts are for worker-side interruptions (shutdown mid-run, lost database): the next
        // attempt resumes the execution. Step retries are the engine's business, not the queue's.
        attempts: EXECUTION_JOB_ATTEMPTS,
        backoff: { type: 'fixed' as const, delay: 1000 },
        removeOnComplete: { age: 3600, count: 10000 },
        removeOnFail: { age: 86400 },
      },
    };
  }

  /** The current run job of an execution (the one of its latest wait), if Redis still holds it. */
  get(executionId: string, slotWaits = 0): Promise<Job<ExecutionJobData> | undefined> {
    return this.queue.getJob(executionJobId(executionId, slotWaits));
  }
}
