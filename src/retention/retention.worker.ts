import { InjectQueue } from '@nestjs/bullmq';
import { Injectable, Logger, type OnApplicationBootstrap, type BeforeApplicationShutdown } from '@nestjs/common';
import { type Job, type Queue, Worker } from 'bullmq';
import type Redis from 'ioredis';
import { AppConfig } from '../config/app-config';
import { MAINTENANCE_QUEUE, RETENTION_JOB, RETENTION_SCHEDULER_ID } from '../queue/queue.constants';
import { RedisFactory } from '../redis/redis.factory';
import { RetentionService } from './retention.service';

/**
 * Runs the retention pass on a BullMQ job scheduler (worker mode only). Every worker upserts the same
 * scheduler id, and BullMQ makes one job per tick for all of them, so one pass runs per interval
 * however many workers there are; concurrency 1 keeps a slow pass from overlapping the next on a worker.
 */
@Injectable()
export class RetentionWorker implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger(RetentionWorker.name);
  private worker?: Worker;
  private connection?: Redis;

  constructor(
    private readonly config: AppConfig,
    private readonly redisFactory: RedisFactory,
    @InjectQueue(MAINTENANCE_QUEUE) private readonly queue: Queue,
    private readonly retention: RetentionService,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    await this.queue.upsertJobScheduler(
      RETENTION_SCHEDULER_ID,
      { every: this.config.RETENTION_INTERVAL_SEC * 1000 },
      { name: RETENTION_JOB, data: {}, opts: { removeOnComplete: true, removeOnFail: { count: 20 } } },
    );
    this.connection = this.redisFactory.create('bullmq-maintenance-worker', { forBullMq: true });
    this.worker = new Worker(MAINTENANCE_QUEUE, (job) => this.process(job), {
      connection: this.connection,
      prefix: `${this.config.REDIS_PREFIX}:bull`,
      concurrency: 1,
    });
    this.worker.on('error', (error) => this.logger.error({ err: error }, 'Maintenance queue worker error'));
  }

  private async process(job: Job): Promise<unknown> {
    if (job.name === RETENTION_JOB) return this.retention.runPass();
    this.logger.warn({ name: job.name, id: job.id }, 'Unknown job on the maintenance queue');
    return undefined;
  }

  /** Before the database and Redis connections close (their modules close them on application shutdown). */
  async beforeApplicationShutdown(): Promise<void> {
    await this.worker?.close().catch(() => undefined);
    await this.connection?.quit().catch(() => undefined);
  }
}
