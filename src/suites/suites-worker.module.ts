import { Module } from '@nestjs/common';
import { SuitesModule } from './suites.module';
import { SuitesQueueWorker } from './worker/suites-queue.worker';

/** Consumer of the suites queue: schedule ticks, webhook deliveries, the reconciler (worker/all modes). */
@Module({
  imports: [SuitesModule],
  providers: [SuitesQueueWorker],
})
export class SuitesWorkerModule {}
