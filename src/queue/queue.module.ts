import { BullModule } from '@nestjs/bullmq';
import { Global, Module } from '@nestjs/common';
import { AppConfig } from '../config/app-config';
import { EXECUTIONS_QUEUE, SUITES_QUEUE } from './queue.constants';

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
            username: url.username || undefined,
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
  ],
  exports: [BullModule],
})
export class QueueModule {}
