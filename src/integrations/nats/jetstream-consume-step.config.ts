import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsInt, IsOptional, IsString, Matches, Max, Min } from 'class-validator';
import { JSONSchema } from 'class-validator-jsonschema';
import { NotWith } from '../../resources/validation/config-validators';
import { MessageSearchConfig, type MessageSearchResult } from '../../steps/shared/message-search';
import { IsTimeInput, TIME_INPUT_SCHEMA } from '../../steps/shared/step-config-validators';
import type { TimeInput } from '../../steps/shared/time-window';
import { ResourceIdProperty, SubscribeSubjectProperty } from './nats-config-fields';
import type { JetStreamReceivedMessage } from './nats-message';

/**
 * Config of `jetstream-consume`: an ephemeral ordered consumer on a stream, deleted at the end. From
 * "now" by default (run it in the background before the trigger), or replaying from a time or a
 * sequence.
 */
export class JetStreamConsumeStepConfig extends MessageSearchConfig {
  @ResourceIdProperty()
  resourceId: string;

  @ApiProperty({ example: 'ORDERS', description: 'The stream to read' })
  @IsString()
  @Matches(/^[^\s.*>/\\]{1,255}$/, { message: 'stream must be a JetStream stream name (1-255 characters without whitespace, dots, wildcards or slashes)' })
  stream: string;

  @SubscribeSubjectProperty({ required: false, example: 'orders.created', description: 'Only messages on this subject (wildcards allowed); default: the whole stream' })
  subject?: string;

  @ApiPropertyOptional({ example: '2026-05-01T12:00:00Z', description: 'Replay from this time (epoch ms or RFC 3339). Default (without startSequence): only messages stored after the consumer exists' })
  @IsOptional()
  @JSONSchema(TIME_INPUT_SCHEMA)
  @IsTimeInput()
  @NotWith('startSequence')
  startTime?: TimeInput;

  @ApiPropertyOptional({ example: 1, minimum: 1, description: 'Replay from this stream sequence (1 = the first message kept)' })
  @IsOptional() @IsInt() @Min(1) @Max(Number.MAX_SAFE_INTEGER)
  startSequence?: number;
}

export type JetStreamConsumeStepResult = MessageSearchResult<JetStreamReceivedMessage>;
