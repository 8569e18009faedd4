import type { SentCorrelation } from '../../steps/shared/correlation-headers';
import { CorrelationOptions } from '../../steps/shared/correlation-headers';
import { HeadersProperty, MessageBodyProperty, PublishSubjectProperty, ResourceIdProperty } from './nats-config-fields';

/** Config of `nats-publish`: one message on a subject (core NATS: at most once, no stored copy). */
export class NatsPublishStepConfig extends CorrelationOptions {
  @ResourceIdProperty()
  resourceId: string;

  @PublishSubjectProperty()
  subject: string;

  @MessageBodyProperty({ orderId: '${create.response.body.id}', status: 'CREATED' })
  message: unknown;

  @HeadersProperty()
  headers?: Record<string, string>;
}

export interface NatsPublishStepResult extends Record<string, unknown> {
  subject: string;
  /** Body size in bytes. */
  size: number;
  /** When the server had it (after the flush round trip). */
  publishedAt: string;
  sent?: SentCorrelation;
}
