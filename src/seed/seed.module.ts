import { Module } from '@nestjs/common';
import { IdentityModule } from '../identity/identity.module';
import { DemoSeedService } from './demo-seed.service';

@Module({ imports: [IdentityModule], providers: [DemoSeedService] })
export class SeedModule {}
