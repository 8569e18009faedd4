import { Module, type Type } from '@nestjs/common';
import { DiscoveryModule } from '@nestjs/core';
import { TypeOrmModule } from '@nestjs/typeorm';
import { ConnectionTestService } from './connection-test.service';
import { ResourceChangeBus } from './resource-change-bus.service';
import { ResourceTypeRegistry } from './resource-type-registry.service';
import { Resource } from './resource.entity';
import { ResourcesService } from './resources.service';
import { SecretCipher } from './secret-cipher.service';
import { HttpConnectionTester } from './types/http/http-connection.tester';
import { KafkaConnectionTester } from './types/kafka/kafka-connection.tester';
import { LokiConnectionTester } from './types/loki/loki-connection.tester';
import { PrometheusConnectionTester } from './types/prometheus/prometheus-connection.tester';
import { RedisConnectionTester } from './types/redis/redis-connection.tester';
import { SqlConnectionTester } from './types/sql/sql-connection.tester';

/**
 * Every resource type: one folder under types/ with its config DTO, secret fields and a @ResourceType
 * tester, plus one line here. The registry discovers them; nothing else lists types.
 */
const RESOURCE_TYPES: Type[] = [
  SqlConnectionTester,
  KafkaConnectionTester,
  RedisConnectionTester,
  HttpConnectionTester,
  LokiConnectionTester,
  PrometheusConnectionTester,
];

/**
 * Team resources without HTTP routes (those are in ResourcesApiModule), so workers can import it.
 * Other modules use ResourcesService (resolve, typeOf, findByNames, pooled clients, usage probes)
 * and the registry — never the entity — and SecretCipher for secrets of their own.
 */
@Module({
  imports: [DiscoveryModule, TypeOrmModule.forFeature([Resource])],
  providers: [ResourceTypeRegistry, SecretCipher, ResourceChangeBus, ConnectionTestService, ResourcesService, ...RESOURCE_TYPES],
  // SecretCipher: the one AES-GCM sealing of secrets at rest, also used for inbound trigger secrets.
  exports: [ResourcesService, ResourceTypeRegistry, SecretCipher],
})
export class ResourcesModule {}
