import { Global, Module } from '@nestjs/common';
import { EgressService } from './egress.service';

/**
 * The egress gate, global so every module that connects on a tenant's behalf (steps, resources,
 * suites' webhooks) injects the same EgressService without importing a module for it.
 */
@Global()
@Module({ providers: [EgressService], exports: [EgressService] })
export class EgressModule {}
