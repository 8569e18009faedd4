import { Module } from '@nestjs/common';
import { IdentityModule } from '../identity/identity.module';
import { TriggerHooksController } from './trigger-hooks.controller';
import { TriggersController } from './triggers.controller';
import { TriggersModule } from './triggers.module';

/** Team routes to manage triggers and the public hook that receives alerts (api/all modes). */
@Module({
  imports: [TriggersModule, IdentityModule],
  controllers: [TriggersController, TriggerHooksController],
})
export class TriggersApiModule {}
