import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform, Type } from 'class-transformer';
import { IsBoolean, IsIn, ValidateIf, IsInt, IsOptional, IsString, IsUUID, Matches, Max, MaxLength, Min, MinLength, ValidateNested } from 'class-validator';
import { KAFKA_TOPIC_MESSAGE, KAFKA_TOPIC_PATTERN } from '../publish/kafka-publish-step.config';
import { MATCH_TYPES } from '../../../steps/shared/message-matcher';
import { scalarToString } from '../../../steps/shared/step-config-validators';
import { ExpectProperty, type SearchExpectation } from '../../../steps/shared/subscribe-expectation';

export const KAFKA_SUBSCRIBE_DEFAULTS = { messageLimit: 100, timeoutMs: 30_000 } as const;

export class KafkaSearchPattern {
  @ApiProperty({
    enum: MATCH_TYPES,
    example: 'jsonpath',
    description:
      '`contains` (or `exact`, its older name): the value contains the pattern text; `jsonpath`: the value is JSON and the JSONPath selects something; `header`: the message has header `header` with value exactly `pattern`',
  })
  @IsIn(MATCH_TYPES)
  matchType: (typeof MATCH_TYPES)[number];

  @ApiPropertyOptional({
    example: 'X-Correlation-Id',
    description: 'Header name (case-insensitive), with matchType `header` only; e.g. pattern "${execution.correlationId}" keeps the messages this run caused',
  })
  @ValidateIf((pattern: KafkaSearchPattern) => pattern.matchType === 'header' || pattern.header !== undefined)
  @IsString() @Matches(/^[^\s:]{1,256}$/, { message: 'header must be a header name (1-256 characters, no spaces or colons)' })
  header?: string;

  @ApiProperty({
    example: "$[?(@.orderId == '${create.response.body.id}')]",
    description: 'Text to find, a JSONPath starting at $ (a root filter tests the message itself), or the exact header value',
  })
  @Transform(({ value }) => scalarToString(value))
  @IsString() @MinLength(1) @MaxLength(4096)
  pattern: string;

  @ApiPropertyOptional({ default: false, description: 'false: done at the first match; true: collect matches until messageLimit or timeoutMs (at least one needed). Ignored with expect "none".' })
  @IsOptional() @IsBoolean()
  matchAll?: boolean;
}

/**
 * Config of a `kafka-subscribe` step. Run in the background, it is subscribed and positioned before
 * the flow's next step starts, so a message that step causes cannot be missed.
 */
export class KafkaSubscribeStepConfig {
  @ApiProperty({ format: 'uuid', description: 'A `kafka` resource', example: '6f1c2a8e-3b4d-4e5f-9a7b-1c2d3e4f5a6b' })
  @IsUUID()
  resourceId: string;

  @ApiProperty({ example: 'orders.events', description: 'Created (broker defaults) when missing' })
  @IsString() @Matches(KAFKA_TOPIC_PATTERN, { message: `topic ${KAFKA_TOPIC_MESSAGE}` })
  topic: string;

  @ApiPropertyOptional({
    example: 'billing-tests',
    description:
      'Default: a fresh group per execution and step (`ats-<executionId>-<stepName>`), so runs never take each other\'s messages. A chosen group resumes from its committed offsets and is locked: one run at a time per group and topic.',
  })
  @IsOptional() @IsString() @Matches(/^[A-Za-z0-9._:-]{1,200}$/, { message: 'consumerGroup must be 1-200 characters of [A-Za-z0-9._:-]' })
  consumerGroup?: string;

  @ApiPropertyOptional({ default: false, description: 'Read the topic from its first retained message instead of from now (a chosen group with committed offsets resumes from them)' })
  @IsOptional() @IsBoolean()
  fromBeginning?: boolean;

  @ApiPropertyOptional({ default: KAFKA_SUBSCRIBE_DEFAULTS.messageLimit, minimum: 1, maximum: 10_000, description: 'Most messages returned; the step ends when reached' })
  @IsOptional() @IsInt() @Min(1) @Max(10_000)
  messageLimit?: number;

  @ApiPropertyOptional({
    default: KAFKA_SUBSCRIBE_DEFAULTS.timeoutMs,
    minimum: 100,
    maximum: 3_600_000,
    description: 'How long to wait for matches once subscribed (the step timeout also applies). With expect "none": the window watched in full, so the step\'s timeoutMs must exceed it by at least 1 s.',
  })
  @IsOptional() @IsInt() @Min(100) @Max(3_600_000)
  timeoutMs?: number;

  @ApiPropertyOptional({ type: KafkaSearchPattern, description: 'Without it every message matches and the step collects up to messageLimit messages until timeoutMs' })
  @IsOptional() @ValidateNested() @Type(() => KafkaSearchPattern)
  searchPattern?: KafkaSearchPattern;

  // With "none", timeoutMs is the window watched in full: the step timeout must leave room for it.
  @ExpectProperty('message')
  expect?: SearchExpectation;
}

export interface ConsumedMessage {
  key: string | null;
  /** Parsed when it is a JSON object or array; otherwise the text (null for a tombstone). */
  value: unknown;
  headers: Record<string, string | string[]>;
  partition: number;
  /** 64-bit offset as a decimal string. */
  offset: string;
  timestamp: string;
}

export interface KafkaSubscribeStepResult extends Record<string, unknown> {
  messages: ConsumedMessage[];
  matchedCount: number;
  scannedCount: number;
}
