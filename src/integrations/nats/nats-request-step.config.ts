import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsInt, IsOptional, Max, Min } from 'class-validator';
import { CorrelationOptions, type SentCorrelation } from '../../steps/shared/correlation-headers';
import { HeadersProperty, MessageBodyProperty, PublishSubjectProperty, ResourceIdProperty } from './nats-config-fields';
import type { NatsReceivedMessage } from './nats-message';

export const NATS_REQUEST_DEFAULT_TIMEOUT_MS = 5_000;

/** Config of `nats-request`: one request, the first reply (request/reply over a private inbox). */
export class NatsRequestStepConfig extends CorrelationOptions {
  @ResourceIdProperty()
  resourceId: string;

  @PublishSubjectProperty('pricing.quote')
  subject: string;

  @MessageBodyProperty({ sku: 'A-1', quantity: 2 })
  message: unknown;

  @HeadersProperty()
  headers?: Record<string, string>;

  @ApiPropertyOptional({ default: NATS_REQUEST_DEFAULT_TIMEOUT_MS, minimum: 100, maximum: 600_000, description: 'How long to wait for the reply (the step timeout also applies)' })
  @IsOptional() @IsInt() @Min(100) @Max(600_000)
  timeoutMs?: number;
}

export interface NatsRequestStepResult extends Record<string, unknown> {
  subject: string;
  /** The first reply, decoded like a received message (`subject` is the request's reply inbox). */
  reply: NatsReceivedMessage;
  durationMs: number;
  sent?: SentCorrelation;
}
