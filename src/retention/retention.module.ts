import { Module } from '@nestjs/common';
import { ExecutionsModule } from '../executions/executions.module';
import { IdentityModule } from '../identity/identity.module';
import { SuitesModule } from '../suites/suites.module';
import { RetentionService } from './retention.service';

/** The retention pass: asks each module that stores run data to delete what is past its team's retention. */
@Module({
  imports: [IdentityModule, ExecutionsModule, SuitesModule],
  providers: [RetentionService],
  exports: [RetentionService],
})
export class RetentionModule {}
