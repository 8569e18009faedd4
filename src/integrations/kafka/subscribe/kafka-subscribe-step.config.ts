import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsBoolean, IsOptional, IsString, IsUUID, Matches, ValidateNested } from 'class-validator';
import { KAFKA_TOPIC_MESSAGE, KAFKA_TOPIC_PATTERN } from '../publish/kafka-publish-step.config';
import { MessageSearchConfig, MessageSearchPattern, type MessageSearchResult } from '../../../steps/shared/message-search';

/** The shared search pattern under the name the published step catalogue and API schema have always used. */
export class KafkaSearchPattern extends MessageSearchPattern {}

/**
 * Config of a `kafka-subscribe` step. Run in the background, it is subscribed and positioned before
 * the flow's next step starts, so a message that step causes cannot be missed. The search fields
 * (`searchPattern`, `messageLimit`, `timeoutMs`, `expect`) are every subscribe step's.
 */
export class KafkaSubscribeStepConfig extends MessageSearchConfig {
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

  @ApiPropertyOptional({ type: KafkaSearchPattern, description: 'Without it every message matches and the step collects up to messageLimit messages until timeoutMs' })
  @IsOptional() @ValidateNested() @Type(() => KafkaSearchPattern)
  declare searchPattern?: KafkaSearchPattern;
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

export type KafkaSubscribeStepResult = MessageSearchResult<ConsumedMessage>;
