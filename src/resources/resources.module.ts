import { Module } from '@nestjs/common';
import { DiscoveryModule } from '@nestjs/core';
import { TypeOrmModule } from '@nestjs/typeorm';
import { ConnectionTestService } from './connection-test.service';
import { ResourceChangeBus } from './resource-change-bus.service';
import { ResourceTypeRegistry } from './resource-type-registry.service';
import { Resource } from './resource.entity';
import { ResourcesService } from './resources.service';
import { SecretCipher } from './secret-cipher.service';

/**
 * Team resources without HTTP routes (those are in ResourcesApiModule), so workers can import it.
 * Resource types are not listed here: each integration's module provides its @ResourceType tester
 * and the registry discovers it (src/integrations/).
 * Other modules use ResourcesService (resolve, typeOf, findByNames, pooled clients, usage probes)
 * and the registry — never the entity — and SecretCipher for secrets of their own.
 */
@Module({
  imports: [DiscoveryModule, TypeOrmModule.forFeature([Resource])],
  providers: [ResourceTypeRegistry, SecretCipher, ResourceChangeBus, ConnectionTestService, ResourcesService],
  // SecretCipher: the one AES-GCM sealing of secrets at rest, also used for inbound trigger secrets.
  exports: [ResourcesService, ResourceTypeRegistry, SecretCipher],
})
export class ResourcesModule {}
