import { Module, type Type } from '@nestjs/common';
import { AmqpIntegrationModule } from './amqp/amqp.module';
import { GraphqlIntegrationModule } from './graphql/graphql.module';
import { GrpcIntegrationModule } from './grpc/grpc.module';
import { HttpIntegrationModule } from './http/http.module';
import { KafkaIntegrationModule } from './kafka/kafka.module';
import { LokiIntegrationModule } from './loki/loki.module';
import { MqttIntegrationModule } from './mqtt/mqtt.module';
import { NatsIntegrationModule } from './nats/nats.module';
import { PrometheusIntegrationModule } from './prometheus/prometheus.module';
import { RedisIntegrationModule } from './redis/redis.module';
import { SqlIntegrationModule } from './sql/sql.module';
import { WebSocketIntegrationModule } from './websocket/websocket.module';

/**
 * Every integration: one folder under integrations/ whose module provides its resource type's
 * @ResourceType tester and its @StepPlugin classes, plus one line here. Discovery is global, so the
 * resource type registry and the step registry find them without another list.
 */
export const INTEGRATION_MODULES: Type[] = [
  HttpIntegrationModule,
  SqlIntegrationModule,
  RedisIntegrationModule,
  KafkaIntegrationModule,
  LokiIntegrationModule,
  PrometheusIntegrationModule,
  AmqpIntegrationModule,
  MqttIntegrationModule,
  NatsIntegrationModule,
  GrpcIntegrationModule,
  WebSocketIntegrationModule,
  GraphqlIntegrationModule,
];

@Module({ imports: INTEGRATION_MODULES })
export class IntegrationsModule {}
