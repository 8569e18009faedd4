import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsOptional, IsString, Length } from 'class-validator';
import { CorrelationOptions, type SentCorrelation } from '../../steps/shared/correlation-headers';
import { HeadersProperty, MessageBodyProperty, PublishSubjectProperty, ResourceIdProperty } from './nats-config-fields';

/** Config of `jetstream-publish`: one message stored by the stream whose subjects include `subject`. */
export class JetStreamPublishStepConfig extends CorrelationOptions {
  @ResourceIdProperty()
  resourceId: string;

  @PublishSubjectProperty('orders.created')
  subject: string;

  @MessageBodyProperty({ orderId: '${create.response.body.id}', status: 'CREATED' })
  message: unknown;

  @HeadersProperty()
  headers?: Record<string, string>;

  @ApiPropertyOptional({ example: 'order-${create.response.body.id}', description: 'Nats-Msg-Id: the stream stores one message per id within its duplicate window (a retry then reports duplicate: true)' })
  @IsOptional() @IsString() @Length(1, 255)
  msgId?: string;
}

export interface JetStreamPublishStepResult extends Record<string, unknown> {
  subject: string;
  /** The stream that stored it and its sequence there (from the server's ack). */
  stream: string;
  seq: number;
  duplicate: boolean;
  sent?: SentCorrelation;
}
