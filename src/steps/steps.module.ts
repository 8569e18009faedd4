import { Module, type Type } from '@nestjs/common';
import { DiscoveryModule } from '@nestjs/core';
import { MqttModule } from '../integrations/mqtt/mqtt.module';
import { GrpcModule } from '../integrations/grpc/grpc.module';
import { DelayStepModule } from './delay/delay-step.module';
import { FlowStepModule } from './flow/flow-step.module';
import { NatsModule } from '../integrations/nats/nats.module';
import { HttpStepModule } from './http/http-step.module';
import { KafkaPublishStepModule } from './kafka-publish/kafka-publish-step.module';
import { KafkaSubscribeStepModule } from './kafka-subscribe/kafka-subscribe-step.module';
import { LokiStepModule } from './loki/loki-step.module';
import { PrometheusStepModule } from './prometheus/prometheus-step.module';
import { RedisStepModule } from './redis/redis-step.module';
import { SqlStepModule } from './sql/sql-step.module';
import { StepRegistry } from './step-registry.service';
import { AmqpModule } from '../integrations/amqp/amqp.module';
import { WebSocketModule } from '../integrations/websocket/websocket.module';
import { GraphqlModule } from '../integrations/graphql/graphql.module';

/**
 * The step plugin registry and every step type. Adding a step type = one folder under steps/ with a
 * module that provides a @StepPlugin class, plus one line in STEP_PLUGIN_MODULES.
 */
const STEP_PLUGIN_MODULES: Type[] = [HttpStepModule, DelayStepModule, LokiStepModule, PrometheusStepModule, SqlStepModule, RedisStepModule, KafkaPublishStepModule, KafkaSubscribeStepModule, FlowStepModule, AmqpModule, WebSocketModule, GraphqlModule, NatsModule, MqttModule, GrpcModule];

@Module({
  imports: [DiscoveryModule, ...STEP_PLUGIN_MODULES],
  providers: [StepRegistry],
  exports: [StepRegistry],
})
export class StepsModule {}
