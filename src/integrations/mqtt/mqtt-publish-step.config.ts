import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { IsBoolean, IsIn, IsOptional, IsString, IsUUID } from 'class-validator';
import { JSONSchema } from 'class-validator-jsonschema';
import { Satisfies } from '../../common/validation/satisfies.decorator';
import { IsStringMap } from '../../resources/validation/config-validators';
import { CorrelationOptions, type SentCorrelation } from '../../steps/shared/correlation-headers';
import { scalarsToStrings } from '../../steps/shared/step-config-validators';
import { topicNameProblem } from './mqtt-topic';

export const MQTT_QOS = [0, 1, 2] as const;
export type MqttQos = (typeof MQTT_QOS)[number];

/** A message body the step sends, at most this many bytes (brokers' common default limits are far higher; a test needs far less). */
export const MQTT_PUBLISH_MAX_BYTES = 1024 * 1024;

/**
 * Config of an `mqtt-publish` step: one message to one topic. With MQTT 5 the user properties, the
 * run's correlation id and traceparent travel as user properties; MQTT 3.1.1 has no place for them.
 */
export class MqttPublishStepConfig extends CorrelationOptions {
  @ApiProperty({ format: 'uuid', description: 'An `mqtt` resource', example: '6f1c2a8e-3b4d-4e5f-9a7b-1c2d3e4f5a6b' })
  @IsUUID()
  resourceId: string;

  @ApiProperty({ example: 'orders/${create.response.body.id}/paid', description: 'Topic name (no wildcards)' })
  @Satisfies('isMqttTopicName', (value) => (typeof value === 'string' ? topicNameProblem(value) : 'must be a string'))
  topic: string;

  @ApiProperty({
    example: { orderId: '${create.response.body.id}', status: 'PAID' },
    description: `A string is sent as is; any other JSON value as its JSON text (at most ${MQTT_PUBLISH_MAX_BYTES} bytes). "" with retain: true clears the topic's retained message.`,
  })
  @Satisfies('isMqttMessage', (value) => messageProblem(value))
  message: unknown;

  @ApiPropertyOptional({ enum: MQTT_QOS, default: 1, description: '0: at most once (no acknowledgement); 1: at least once (PUBACK); 2: exactly once (PUBREC/PUBCOMP)' })
  @IsOptional() @IsIn(MQTT_QOS)
  qos?: MqttQos;

  @ApiPropertyOptional({ default: false, description: 'The broker keeps the message as the topic\'s retained message and hands it to later subscribers' })
  @IsOptional() @IsBoolean()
  retain?: boolean;

  @ApiPropertyOptional({
    type: 'object',
    additionalProperties: { type: 'string' },
    example: { 'x-tenant': 'acme' },
    description: 'MQTT 5 user properties (a subscriber sees them as headers). Refused at run time on an MQTT 3.1.1 resource.',
  })
  @IsOptional()
  @JSONSchema({ type: 'object', additionalProperties: { type: 'string' } })
  @Transform(({ value }) => scalarsToStrings(value))
  @IsStringMap({ maxEntries: 64, maxValueLength: 4096, keyPattern: /^[^\u0000]{1,256}$/, keyDescription: 'a name of 1-256 characters' })
  userProperties?: Record<string, string>;
}

/** The message's bytes on the wire. */
export function messagePayload(message: unknown): string {
  return typeof message === 'string' ? message : JSON.stringify(message);
}

function messageProblem(value: unknown): string | null {
  if (value === undefined) return 'is required: a string or any JSON value';
  if (Buffer.byteLength(messagePayload(value), 'utf8') > MQTT_PUBLISH_MAX_BYTES) return `must be at most ${MQTT_PUBLISH_MAX_BYTES} bytes`;
  return null;
}

export interface MqttPublishStepResult extends Record<string, unknown> {
  topic: string;
  qos: MqttQos;
  retain: boolean;
  /** Bytes of the payload sent. */
  bytes: number;
  /** When the broker acknowledged it (QoS 1/2), or when it was written (QoS 0). */
  timestamp: string;
  /** MQTT 5 PUBACK/PUBREC reason code (0 success, 16 "no matching subscribers"); absent with QoS 0 and 3.1.1. */
  reasonCode?: number;
  /** The correlation id and traceparent sent as user properties (MQTT 5 only; absent with propagateCorrelation: false). */
  sent?: SentCorrelation;
}
