import { Module } from '@nestjs/common';
import { FlowsModule } from '../flows/flows.module';
import { IdentityModule } from '../identity/identity.module';
import { ResourcesModule } from '../resources/resources.module';
import { DemoSeedService } from './demo-seed.service';

@Module({ imports: [IdentityModule, ResourcesModule, FlowsModule], providers: [DemoSeedService] })
export class SeedModule {}
