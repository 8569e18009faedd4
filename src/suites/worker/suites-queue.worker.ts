import { InjectQueue } from '@nestjs/bullmq';
import { Injectable, Logger, type OnApplicationBootstrap, type BeforeApplicationShutdown } from '@nestjs/common';
import { type Job, type Queue, Worker } from 'bullmq';
import type Redis from 'ioredis';
import { AppConfig } from '../../config/app-config';
import { SUITES_QUEUE } from '../../queue/queue.constants';
import { RedisFactory } from '../../redis/redis.factory';
import { WebhookDeliveryService } from '../notifications/webhook-delivery.service';
import { SuiteRunsService } from '../runs/suite-runs.service';
import { SuiteSchedulesService } from '../schedules/suite-schedules.service';
import { SuitesService } from '../suites.service';
import { DELIVER_WEBHOOK_JOB, RECONCILE_SCHEDULER_ID, RECONCILE_SUITE_RUNS_JOB, SCHEDULED_SUITE_RUN_JOB } from '../suites-queue.jobs';

/**
 * Consumer of the suites queue (worker mode only): schedule ticks, webhook deliveries and the periodic
 * reconciler. Built by hand like the executions worker so its settings come from the validated config.
 */
@Injectable()
export class SuitesQueueWorker implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger(SuitesQueueWorker.name);
  private worker?: Worker;
  private connection?: Redis;

  constructor(
    private readonly config: AppConfig,
    private readonly redisFactory: RedisFactory,
    @InjectQueue(SUITES_QUEUE) private readonly queue: Queue,
    private readonly runs: SuiteRunsService,
    private readonly suites: SuitesService,
    private readonly schedules: SuiteSchedulesService,
    private readonly deliveries: WebhookDeliveryService,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    // Every worker upserts the same scheduler ids: idempotent, and BullMQ still makes one job per tick.
    await this.queue.upsertJobScheduler(
      RECONCILE_SCHEDULER_ID,
      { every: this.config.SUITE_RECONCILE_INTERVAL_SEC * 1000 },
      { name: RECONCILE_SUITE_RUNS_JOB, data: {}, opts: { removeOnComplete: true, removeOnFail: { count: 50 } } },
    );
    const restored = await this.schedules.restoreMissing(await this.suites.scheduledSuites());
    if (restored) this.logger.log({ restored }, 'Restored suite schedules missing from Redis');

    this.connection = this.redisFactory.create('bullmq-suites-worker', { forBullMq: true });
    this.worker = new Worker(SUITES_QUEUE, (job) => this.process(job), {
      connection: this.connection,
      prefix: `${this.config.REDIS_PREFIX}:bull`,
      concurrency: this.config.WORKER_CONCURRENCY,
    });
    this.worker.on('error', (error) => this.logger.error({ err: error }, 'Suites queue worker error'));
  }

  private async process(job: Job): Promise<unknown> {
    switch (job.name) {
      case SCHEDULED_SUITE_RUN_JOB:
        return this.runs.startScheduled(job);
      case DELIVER_WEBHOOK_JOB:
        return this.deliveries.deliver(job);
      case RECONCILE_SUITE_RUNS_JOB:
        return this.runs.reconcile();
      default:
        this.logger.warn({ name: job.name, id: job.id }, 'Unknown job on the suites queue');
        return undefined;
    }
  }

  /** Before the database and Redis connections close (their modules close them on application shutdown). */
  async beforeApplicationShutdown(): Promise<void> {
    await this.worker?.close().catch(() => undefined);
    await this.connection?.quit().catch(() => undefined);
  }
}
