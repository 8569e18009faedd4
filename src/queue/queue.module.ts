import { BullModule, InjectQueue } from '@nestjs/bullmq';
import { Global, Injectable, Logger, Module, type OnModuleInit } from '@nestjs/common';
import type { Queue } from 'bullmq';
import { AppConfig } from '../config/app-config';
import { EXECUTIONS_QUEUE, MAINTENANCE_QUEUE, SUITES_QUEUE } from './queue.constants';

/** A repeated queue error is logged again at most this often (a Redis outage repeats it every reconnect). */
const QUEUE_ERROR_REPEAT_MS = 60_000;

/**
 * Routes the queues' 'error' events to the logger. Without a listener BullMQ prints every failed
 * reconnect during a Redis outage with console.error (unstructured, bypassing pino). Each distinct
 * message is logged once at warn, then again only after QUEUE_ERROR_REPEAT_MS, with a count of the
 * repeats in between.
 */
@Injectable()
class QueueErrorLogger implements OnModuleInit {
  private readonly logger = new Logger('Queue');
  private readonly seen = new Map<string, { at: number; suppressed: number }>();

  constructor(
    @InjectQueue(EXECUTIONS_QUEUE) private readonly executions: Queue,
    @InjectQueue(SUITES_QUEUE) private readonly suites: Queue,
    @InjectQueue(MAINTENANCE_QUEUE) private readonly maintenance: Queue,
  ) {}

  onModuleInit(): void {
    for (const queue of [this.executions, this.suites, this.maintenance]) queue.on('error', (error: Error) => this.report(queue.name, error));
  }

  private report(queue: string, error: Error): void {
    const message = error?.message ?? String(error);
    const key = `${queue}\n${message}`;
    const now = Date.now();
    const last = this.seen.get(key);
    if (last && now - last.at < QUEUE_ERROR_REPEAT_MS) {
      last.suppressed++;
      return;
    }
    if (this.seen.size > 100) this.seen.clear(); // distinct messages are few; never let the map grow unbounded
    this.seen.set(key, { at: now, suppressed: 0 });
    this.logger.warn({ queue, err: error, repeatedSinceLastLog: last?.suppressed ?? 0 }, `Queue ${queue} error: ${message}`);
  }
}

/** BullMQ connection and queue registration; registered in every mode, processors only in worker modules. */
@Global()
@Module({
  imports: [
    BullModule.forRootAsync({
      inject: [AppConfig],
      useFactory: (config: AppConfig) => {
        const url = new URL(config.REDIS_URL);
        return {
          prefix: `${config.REDIS_PREFIX}:bull`,
          connection: {
            host: url.hostname,
            port: Number(url.port || 6379),
            username: url.username ? decodeURIComponent(url.username) : undefined,
            password: url.password ? decodeURIComponent(url.password) : undefined,
            db: url.pathname.length > 1 ? Number(url.pathname.slice(1)) : 0,
            tls: url.protocol === 'rediss:' ? {} : undefined,
            maxRetriesPerRequest: null,
          },
        };
      },
    }),
    BullModule.registerQueue({ name: EXECUTIONS_QUEUE }),
    BullModule.registerQueue({ name: SUITES_QUEUE }),
    BullModule.registerQueue({ name: MAINTENANCE_QUEUE }),
  ],
  providers: [QueueErrorLogger],
  exports: [BullModule],
})
export class QueueModule {}
