import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { ExecutionsModule } from '../executions/executions.module';
import { FlowsModule } from '../flows/flows.module';
import { ResourcesModule } from '../resources/resources.module';
import { SuitesModule } from '../suites/suites.module';
import { AlertDedup } from './alert-dedup';
import { TriggerDelivery } from './trigger-delivery.entity';
import { TriggerHookLimiter } from './trigger-hook-limiter';
import { TriggerHookService } from './trigger-hook.service';
import { Trigger } from './trigger.entity';
import { TriggersService } from './triggers.service';

/**
 * Inbound alert triggers without HTTP routes: triggers, their delivery log, and the hook's work (it
 * starts runs through ExecutionsService and SuiteRunsService, never their tables). ResourcesModule only
 * for SecretCipher, the one sealing of secrets at rest.
 */
@Module({
  imports: [TypeOrmModule.forFeature([Trigger, TriggerDelivery]), ExecutionsModule, FlowsModule, SuitesModule, ResourcesModule],
  providers: [TriggersService, TriggerHookService, TriggerHookLimiter, AlertDedup],
  exports: [TriggersService, TriggerHookService],
})
export class TriggersModule {}
