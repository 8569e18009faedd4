import { Module } from '@nestjs/common';
import { FlowsModule } from '../flows/flows.module';
import { IdentityModule } from '../identity/identity.module';
import { ResourcesModule } from '../resources/resources.module';
import { DemoSeedService } from './demo-seed.service';
import { DemoServiceHost } from './demo-service-host';

@Module({ imports: [IdentityModule, ResourcesModule, FlowsModule], providers: [DemoServiceHost, DemoSeedService] })
export class SeedModule {}
