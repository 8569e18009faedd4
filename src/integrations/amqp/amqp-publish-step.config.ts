import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform, Type } from 'class-transformer';
import { JSONSchema } from 'class-validator-jsonschema';
import { IsBoolean, IsInt, IsOptional, IsString, IsUUID, Matches, Max, MaxLength, Min, ValidateNested } from 'class-validator';
import { Satisfies } from '../../common/validation/satisfies.decorator';
import { CorrelationOptions, type SentCorrelation } from '../../steps/shared/correlation-headers';
import { scalarsToStrings, scalarToString } from '../../steps/shared/step-config-validators';
import { IsAmqpHeaderMap, IsAmqpName } from './amqp-names';

/** AMQP basic properties a publisher may set (deliveryMode comes from `persistent`, headers from `headers`). */
export class AmqpMessageProperties {
  @ApiPropertyOptional({ example: 'application/json', description: 'Default: application/json when message is not a string, else text/plain' })
  @IsOptional() @IsString() @MaxLength(255)
  contentType?: string;

  @ApiPropertyOptional({ example: 'gzip' })
  @IsOptional() @IsString() @MaxLength(255)
  contentEncoding?: string;

  @ApiPropertyOptional({ example: '${create.response.body.id}', description: 'AMQP correlation-id property (request/reply); the run\'s correlation id travels in correlationHeader' })
  @IsOptional() @Transform(({ value }) => scalarToString(value)) @IsString() @MaxLength(255)
  correlationId?: string;

  @ApiPropertyOptional({ example: 'msg-42' })
  @IsOptional() @Transform(({ value }) => scalarToString(value)) @IsString() @MaxLength(255)
  messageId?: string;

  @ApiPropertyOptional({ example: 'replies.orders' })
  @IsOptional() @IsString() @MaxLength(255)
  replyTo?: string;

  @ApiPropertyOptional({ example: '60000', description: 'Per-message TTL in milliseconds, as decimal digits' })
  @IsOptional() @Transform(({ value }) => scalarToString(value)) @Matches(/^\d{1,10}$/, { message: 'expiration must be a number of milliseconds (decimal digits)' })
  expiration?: string;

  @ApiPropertyOptional({ example: 5, minimum: 0, maximum: 255 })
  @IsOptional() @IsInt() @Min(0) @Max(255)
  priority?: number;

  @ApiPropertyOptional({ example: 'order.created' })
  @IsOptional() @IsString() @MaxLength(255)
  type?: string;

  @ApiPropertyOptional({ example: 'orders-tests' })
  @IsOptional() @IsString() @MaxLength(255)
  appId?: string;

  @ApiPropertyOptional({ example: 'orders-tests', description: 'RabbitMQ refuses it unless it is the connection\'s own user' })
  @IsOptional() @IsString() @MaxLength(255)
  userId?: string;
}

/** Config of an `amqp-publish` step: one message to an exchange, the broker's confirm awaited by default. */
export class AmqpPublishStepConfig extends CorrelationOptions {
  @ApiProperty({ format: 'uuid', description: 'An `amqp` resource', example: '6f1c2a8e-3b4d-4e5f-9a7b-1c2d3e4f5a6b' })
  @IsUUID()
  resourceId: string;

  @ApiPropertyOptional({ default: '', example: 'orders', description: 'Exchange to publish to; "" (the default exchange) routes to the queue named by routingKey' })
  @IsOptional() @IsString() @IsAmqpName('exchange')
  exchange?: string;

  @ApiPropertyOptional({ default: '', example: 'order.created', description: 'Routing key (the queue name on the default exchange)' })
  @IsOptional() @Transform(({ value }) => scalarToString(value)) @IsString() @IsAmqpName('routingKey')
  routingKey?: string;

  @ApiProperty({
    example: { orderId: '${create.response.body.id}', status: 'PAID' },
    description: 'The body: a string is sent as is (UTF-8); any other JSON value is sent as its JSON text',
  })
  @Satisfies('isMessageBody', (value) => (value === undefined || value === null ? 'is required: a string or a JSON value' : null))
  message: unknown;

  @ApiPropertyOptional({ type: 'object', additionalProperties: { type: 'string' }, example: { 'x-tenant': 'acme' }, description: 'AMQP headers (string values); the correlation header and traceparent are added unless propagateCorrelation is false' })
  @IsOptional()
  @JSONSchema({ type: 'object', additionalProperties: { type: 'string' } })
  @Transform(({ value }) => scalarsToStrings(value))
  @IsAmqpHeaderMap()
  headers?: Record<string, string>;

  @ApiPropertyOptional({ type: AmqpMessageProperties })
  @IsOptional() @ValidateNested() @Type(() => AmqpMessageProperties)
  properties?: AmqpMessageProperties;

  @ApiPropertyOptional({ default: true, description: 'Delivery mode 2: a durable queue keeps the message across broker restarts' })
  @IsOptional() @IsBoolean()
  persistent?: boolean;

  @ApiPropertyOptional({ default: true, description: 'Publisher confirms: the step waits for the broker\'s ack (a nack fails it). false: no publisher confirm (the step still waits one round trip, so an unknown exchange or a returned message is reported)' })
  @IsOptional() @IsBoolean()
  confirm?: boolean;

  @ApiPropertyOptional({ default: false, description: 'Fail the step when the broker routes the message to no queue (basic.return), instead of the broker dropping it silently' })
  @IsOptional() @IsBoolean()
  mandatory?: boolean;
}

export interface AmqpPublishStepResult extends Record<string, unknown> {
  exchange: string;
  routingKey: string;
  /** true: the broker confirmed it (publisher confirms); false: sent without confirm mode. */
  confirmed: boolean;
  /** Body size in bytes. */
  size: number;
  contentType: string;
  persistent: boolean;
  messageId?: string;
  headers: Record<string, string>;
  publishedAt: string;
  sent?: SentCorrelation;
}
