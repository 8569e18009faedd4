import { ApiPropertyOptional, ApiProperty } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { JSONSchema } from 'class-validator-jsonschema';
import { ArrayMaxSize, ArrayMinSize, IsArray, IsIn, IsInt, IsOptional, IsString, IsUUID, Max, Min, ValidateIf } from 'class-validator';
import { Satisfies } from '../../common/validation/satisfies.decorator';
import { MessageSearchConfig, type MessageSearchResult } from '../../steps/shared/message-search';
import { scalarsToStrings } from '../../steps/shared/step-config-validators';
import { IsAmqpHeaderMap, IsAmqpName } from './amqp-names';

export const AMQP_ACK_POLICIES = ['matched', 'all', 'none'] as const;
export type AmqpAckPolicy = (typeof AMQP_ACK_POLICIES)[number];
export const AMQP_CONSUME_DEFAULTS = { ack: 'matched', prefetch: 1000, bindingKeys: ['#'], headersMatch: 'all' } as const;

/**
 * Config of an `amqp-consume` step: either a named `queue` the service under test feeds (shared with
 * its real consumers: see `ack`), or an `exchange` the step taps with a temporary exclusive queue of its
 * own, bound with `bindingKeys` or `bindingHeaders` — the usual way to watch events without taking them
 * from anyone. Run in the background, the queue is declared, bound and consumed from before the flow's
 * next step starts, so a message that step causes cannot be missed.
 */
export class AmqpConsumeStepConfig extends MessageSearchConfig {
  @ApiProperty({ format: 'uuid', description: 'An `amqp` resource', example: '6f1c2a8e-3b4d-4e5f-9a7b-1c2d3e4f5a6b' })
  @IsUUID()
  resourceId: string;

  @ApiPropertyOptional({ example: 'orders.created', description: 'An existing queue to consume from (not declared: a missing queue is an error). Give either queue or exchange.' })
  @ValidateIf((o: AmqpConsumeStepConfig) => o.queue !== undefined || o.exchange === undefined)
  @IsString({ message: 'queue or exchange is required' })
  @IsAmqpName('queue', { allowEmpty: false })
  @Satisfies('notWithExchange', (_, args) => ((args.object as AmqpConsumeStepConfig).exchange !== undefined ? 'cannot be combined with exchange (give one)' : null))
  queue?: string;

  @ApiPropertyOptional({ example: 'orders', description: 'An existing exchange to tap: the step binds a temporary exclusive queue to it, deleted afterwards' })
  @ValidateIf((o: AmqpConsumeStepConfig) => o.exchange !== undefined || o.queue === undefined)
  @IsString({ message: 'exchange or queue is required' })
  @IsAmqpName('exchange', { allowEmpty: false })
  exchange?: string;

  @ApiPropertyOptional({
    type: [String],
    default: AMQP_CONSUME_DEFAULTS.bindingKeys,
    example: ['order.created', 'order.*.paid'],
    description: 'With exchange: binding keys of the temporary queue (topic patterns with * and #, exact keys on a direct exchange; ignored by fanout). Default ["#"]; with bindingHeaders, default none.',
  })
  @ValidateIf((o: AmqpConsumeStepConfig) => o.bindingKeys !== undefined)
  @IsArray() @ArrayMinSize(1) @ArrayMaxSize(50)
  @IsString({ each: true }) @IsAmqpName('each binding key', { each: true })
  @Satisfies('needsExchange', (_, args) => ((args.object as AmqpConsumeStepConfig).exchange === undefined ? 'needs exchange (a named queue has its own bindings)' : null))
  bindingKeys?: string[];

  @ApiPropertyOptional({
    type: 'object',
    additionalProperties: { type: 'string' },
    example: { 'x-event': 'order.created' },
    description: 'With exchange (a headers exchange): bind on these header values, all of them or any (headersMatch)',
  })
  @IsOptional()
  @JSONSchema({ type: 'object', additionalProperties: { type: 'string' } })
  @Transform(({ value }) => scalarsToStrings(value))
  @IsAmqpHeaderMap()
  @Satisfies('needsExchange', (_, args) => ((args.object as AmqpConsumeStepConfig).exchange === undefined ? 'needs exchange (a named queue has its own bindings)' : null))
  bindingHeaders?: Record<string, string>;

  @ApiPropertyOptional({ enum: ['all', 'any'], default: AMQP_CONSUME_DEFAULTS.headersMatch, description: 'x-match of the bindingHeaders binding' })
  @IsOptional() @IsIn(['all', 'any'])
  headersMatch?: 'all' | 'any';

  @ApiPropertyOptional({
    enum: AMQP_ACK_POLICIES,
    default: AMQP_CONSUME_DEFAULTS.ack,
    description:
      'With queue (a queue other consumers may share): which examined messages the step takes off the queue when it ends. `matched`: the matching ones, every other message goes back to the queue (requeued, marked redelivered) for its real consumers; `all`: everything examined (drains); `none`: nothing (a peek: even matches are requeued). Messages are held unacknowledged while the step runs. A temporary queue (exchange) is deleted with what is left in it.',
  })
  @IsOptional() @IsIn(AMQP_ACK_POLICIES)
  ack?: AmqpAckPolicy;

  @ApiPropertyOptional({
    default: AMQP_CONSUME_DEFAULTS.prefetch,
    minimum: 1,
    maximum: 10_000,
    description: 'With queue: most messages held unacknowledged. Unmatched messages stay held until the step ends, so past this many the broker delivers no more (a queue with a larger backlog hides what is behind it).',
  })
  @IsOptional() @IsInt() @Min(1) @Max(10_000)
  prefetch?: number;
}

export interface AmqpConsumedMessage {
  /** The body: parsed when a JSON object or array, else text; cut to the first MAX_BODY_BYTES (bodyTruncated). */
  value: unknown;
  /** AMQP headers with values as text (numbers, booleans, byte arrays decoded; tables as JSON). */
  headers: Record<string, string | string[]>;
  /** The message's timestamp property when it has one, else when the step received it. */
  timestamp: string;
  exchange: string;
  routingKey: string;
  redelivered: boolean;
  /** Basic properties the publisher set (contentType, correlationId, messageId, type, appId, …). */
  properties: Record<string, string | number>;
  /** Body size in bytes. */
  size: number;
  bodyTruncated?: true;
}

export type AmqpConsumeStepResult = MessageSearchResult<AmqpConsumedMessage>;
