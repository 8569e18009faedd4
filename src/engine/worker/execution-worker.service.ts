import { Injectable, Logger, type OnApplicationBootstrap, type BeforeApplicationShutdown } from '@nestjs/common';
import { type Job, Worker } from 'bullmq';
import type Redis from 'ioredis';
import { AppConfig } from '../../config/app-config';
import { ExecutionProgressService } from '../../executions/execution-progress.service';
import { ExecutionUpdatePublisher } from '../../executions/execution-update.publisher';
import { type ExecutionJobData, slotWaitsOfJobId } from '../../executions/execution-job-queue';
import { ExecutionsService } from '../../executions/executions.service';
import { isUuid } from '../../identity/tenancy/tenancy.service';
import { EXECUTIONS_QUEUE } from '../../queue/queue.constants';
import { RedisFactory } from '../../redis/redis.factory';
import { FlowRunner } from '../runner/flow-runner';
import { RunningExecutions, WorkerShutdownError } from '../runner/running-executions';

/**
 * The BullMQ worker of the executions queue, built by hand rather than with @Processor so that its
 * concurrency and lock settings come from the validated config. Crash recovery: a worker that dies
 * stops renewing its job lock; after JOB_LOCK_MS BullMQ's stalled-job check hands the job to another
 * worker, whose FlowRunner resumes the execution and records the recovery.
 */
@Injectable()
export class ExecutionWorkerService implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger(ExecutionWorkerService.name);
  private worker?: Worker<ExecutionJobData>;
  private cancelSubscriber?: Redis;
  /** BullMQ does not close a connection it was handed, so this service owns and quits it. */
  private workerConnection?: Redis;

  constructor(
    private readonly config: AppConfig,
    private readonly redisFactory: RedisFactory,
    private readonly runner: FlowRunner,
    private readonly running: RunningExecutions,
    private readonly publisher: ExecutionUpdatePublisher,
    private readonly progress: ExecutionProgressService,
    private readonly executions: ExecutionsService,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    this.cancelSubscriber = this.redisFactory.create('execution-cancel-sub');
    this.cancelSubscriber.on('message', (_channel: string, executionId: string) => void this.onCancelMessage(executionId));
    await this.cancelSubscriber.subscribe(this.publisher.cancelChannel);

    this.worker = new Worker<ExecutionJobData>(EXECUTIONS_QUEUE, (job) => this.process(job), {
      connection: (this.workerConnection = this.redisFactory.create('bullmq-worker', { forBullMq: true })),
      prefix: `${this.config.REDIS_PREFIX}:bull`,
      concurrency: this.config.WORKER_CONCURRENCY,
      lockDuration: this.config.JOB_LOCK_MS,
      stalledInterval: Math.max(1000, Math.floor(this.config.JOB_LOCK_MS / 2)),
      maxStalledCount: 3,
    });
    this.worker.on('failed', (job, error) => void this.onJobFailed(job, error));
    this.worker.on('error', (error) => this.logger.error({ err: error }, 'Queue worker error'));
  }

  /**
   * Anyone who can publish on the service's Redis could send a cancel, so the message only says
   * "look": the run is aborted when the database holds the request ExecutionsService.cancel wrote
   * before publishing. Only the worker running the execution reads the database.
   */
  private async onCancelMessage(executionId: string): Promise<void> {
    if (!this.running.ids().includes(executionId)) return;
    try {
      if (await this.executions.isCancelRequested(executionId)) this.running.cancel(executionId);
      else this.logger.warn({ executionId }, 'Ignoring a cancel message without a cancel request in the database');
    } catch (error) {
      // The runner also checks the flag between steps, so the cancel still happens, only later.
      this.logger.error({ err: error, executionId }, 'Could not check a cancel request');
    }
  }

  private async process(job: Job<ExecutionJobData>): Promise<void> {
    // Payloads are validated on pickup: a malformed job fails alone instead of poisoning the runner.
    if (!isUuid(String(job.data?.executionId)) || !isUuid(String(job.data?.teamId))) {
      throw new Error(`invalid job data for job ${job.id}: executionId and teamId must be UUIDs`);
    }
    const reason = job.attemptsMade > 0 ? `previous attempt ended early: ${job.failedReason ?? 'worker stopped'}` : 'previous worker stopped mid-run (stalled job)';
    await this.runner.run(job.data.executionId, reason, slotWaitsOfJobId(job.id, job.data.executionId));
  }

  /** A job that BullMQ gives up on must not leave its execution IN_PROGRESS forever. */
  private async onJobFailed(job: Job<ExecutionJobData> | undefined, error: Error): Promise<void> {
    // 'failed' fires for every failed attempt; only the last one is final.
    if (!job || job.attemptsMade < (job.opts.attempts ?? 1)) return;
    try {
      const execution = await this.executions.get(job.data.teamId, job.data.executionId);
      if (!['COMPLETED', 'FAILED', 'CANCELLED'].includes(execution.status)) {
        await this.progress.finish(execution, 'FAILED', `worker could not run the execution: ${error.message}`);
      }
    } catch (e) {
      this.logger.error({ err: e, executionId: job.data.executionId }, 'Could not record a failed job');
    }
  }

  /**
   * Graceful stop: take no new jobs, give running executions SHUTDOWN_TIMEOUT_MS to finish, then abort
   * them without finishing their records — their jobs become stalled and another worker resumes them.
   * In `beforeApplicationShutdown`, which Nest runs for every module before any `onApplicationShutdown`:
   * TypeORM closes its DataSource and the Redis module its connections in that later phase, and the
   * order of modules within one phase is not ours to choose (a @Global module moves in it).
   */
  async beforeApplicationShutdown(): Promise<void> {
    if (!this.worker) return;
    const closing = this.worker.close();
    const timer = setTimeout(() => this.running.abortAll(new WorkerShutdownError()), this.config.SHUTDOWN_TIMEOUT_MS);
    await closing.catch(() => undefined);
    clearTimeout(timer);
    await this.cancelSubscriber?.quit().catch(() => undefined);
    await this.workerConnection?.quit().catch(() => undefined);
  }
}
