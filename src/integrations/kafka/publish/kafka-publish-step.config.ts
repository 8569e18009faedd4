import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform, Type } from 'class-transformer';
import { JSONSchema } from 'class-validator-jsonschema';
import { ArrayMaxSize, ArrayMinSize, IsArray, IsIn, IsInt, IsOptional, IsString, IsUUID, Matches, Max, MaxLength, Min, ValidateNested } from 'class-validator';
import { Satisfies } from '../../../common/validation/satisfies.decorator';
import { CorrelationOptions, type SentCorrelation } from '../../../steps/shared/correlation-headers';
import { isPlainObject, scalarsToStrings, scalarToString } from '../../../steps/shared/step-config-validators';

/** Kafka's own rule for topic names. */
export const KAFKA_TOPIC_PATTERN = /^[A-Za-z0-9._-]{1,249}$/;
export const KAFKA_TOPIC_MESSAGE = 'must be 1-249 characters of [A-Za-z0-9._-] (a Kafka topic name)';
export const KAFKA_ACKS = [-1, 0, 1] as const;
export const KAFKA_COMPRESSIONS = ['none', 'gzip'] as const;
const MAX_MESSAGES = 1000;

export class KafkaPublishMessage {
  @ApiPropertyOptional({ example: 'order-${create.response.body.id}', description: 'Message key (partitioning and compaction)' })
  @IsOptional()
  @Transform(({ value }) => scalarToString(value))
  @IsString() @MaxLength(65_536)
  key?: string;

  @ApiProperty({
    example: { orderId: '${create.response.body.id}', status: 'PAID' },
    description: 'A string is sent as is; any other JSON value is sent as its JSON text. null sends a tombstone (no value).',
  })
  @Satisfies('isMessageValue', (value) => (value === undefined ? 'is required: a string or any JSON value (null for a tombstone)' : null))
  value: unknown;

  @ApiPropertyOptional({ type: 'object', additionalProperties: { type: 'string' }, example: { 'x-tenant': 'acme' } })
  @IsOptional()
  @JSONSchema({ type: 'object', additionalProperties: { type: 'string' } })
  @Transform(({ value }) => scalarsToStrings(value))
  @Satisfies('isHeaderMap', (value) =>
    isPlainObject(value) && Object.values(value).every((item) => typeof item === 'string') ? null : 'must be an object of string values',
  )
  headers?: Record<string, string>;

  @ApiPropertyOptional({ example: 0, description: 'Target partition; default: by key hash (round-robin without a key)' })
  @IsOptional() @IsInt() @Min(0) @Max(1_000_000)
  partition?: number;
}

/** Correlation fields (correlationHeader, propagateCorrelation) come from CorrelationOptions: every message carries them as headers. */
export class KafkaPublishStepConfig extends CorrelationOptions {
  @ApiProperty({ format: 'uuid', description: 'A `kafka` resource', example: '6f1c2a8e-3b4d-4e5f-9a7b-1c2d3e4f5a6b' })
  @IsUUID()
  resourceId: string;

  @ApiProperty({ example: 'orders.events' })
  @IsString() @Matches(KAFKA_TOPIC_PATTERN, { message: `topic ${KAFKA_TOPIC_MESSAGE}` })
  topic: string;

  @ApiProperty({ type: [KafkaPublishMessage], description: `1-${MAX_MESSAGES} messages, sent in this order` })
  @IsArray() @ArrayMinSize(1) @ArrayMaxSize(MAX_MESSAGES)
  @ValidateNested({ each: true }) @Type(() => KafkaPublishMessage)
  messages: KafkaPublishMessage[];

  @ApiPropertyOptional({ enum: KAFKA_ACKS, default: -1, description: '-1: all in-sync replicas, 1: the leader, 0: no acknowledgement (no offsets in the result)' })
  @IsOptional() @IsIn(KAFKA_ACKS)
  acks?: (typeof KAFKA_ACKS)[number];

  @ApiPropertyOptional({ enum: KAFKA_COMPRESSIONS, default: 'none' })
  @IsOptional() @IsIn(KAFKA_COMPRESSIONS)
  compression?: (typeof KAFKA_COMPRESSIONS)[number];
}

export interface PublishedMessage {
  topic: string;
  /** null only with acks 0 and no explicit partition (the broker does not answer). */
  partition: number | null;
  /** Offset as a decimal string (Kafka offsets are 64-bit); null with acks 0. */
  offset: string | null;
  /** ISO-8601: the producer's create time, or the broker's append time on LogAppendTime topics. */
  timestamp: string;
  /** The correlation header and traceparent this message carried (absent with propagateCorrelation: false). */
  sent?: SentCorrelation;
}

export interface KafkaPublishStepResult extends Record<string, unknown> {
  messages: PublishedMessage[];
}
