import { Module } from '@nestjs/common';
import { IdentityModule } from '../identity/identity.module';
import { ResourceTypeRegistry } from './resource-type-registry.service';
import { documentResourceTypes } from './resource-type-swagger';
import { ResourceTypesController } from './resource-types.controller';
import { ResourcesController } from './resources.controller';
import { ResourcesModule } from './resources.module';

/** HTTP surface of resources (api/all mode). */
@Module({
  imports: [ResourcesModule, IdentityModule], // IdentityModule: TeamAccessGuard and TenancyService behind @TeamScoped
  controllers: [ResourcesController, ResourceTypesController],
})
export class ResourcesApiModule {
  // Module classes are built with the container, before main.ts builds the Swagger document.
  constructor(registry: ResourceTypeRegistry) {
    documentResourceTypes(registry.metadata());
  }
}
