import { Module } from '@nestjs/common';
import { RetentionModule } from './retention.module';
import { RetentionWorker } from './retention.worker';

/** The retention scheduler and its queue consumer (worker/all modes). */
@Module({
  imports: [RetentionModule],
  providers: [RetentionWorker],
})
export class RetentionWorkerModule {}
