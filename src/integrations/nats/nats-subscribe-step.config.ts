import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsOptional, Matches } from 'class-validator';
import { MessageSearchConfig, type MessageSearchResult } from '../../steps/shared/message-search';
import { ResourceIdProperty, SubscribeSubjectProperty } from './nats-config-fields';
import type { NatsReceivedMessage } from './nats-message';

/**
 * Config of `nats-subscribe`. Run in the background, it is subscribed on the server (a flush round
 * trip) before the flow's next step starts, so a message that step causes cannot be missed.
 */
export class NatsSubscribeStepConfig extends MessageSearchConfig {
  @ResourceIdProperty()
  resourceId: string;

  @SubscribeSubjectProperty({ required: true, example: 'orders.*', description: 'Subject or wildcard filter: `*` matches one token, `>` the rest (`orders.>`)' })
  subject: string;

  @ApiPropertyOptional({
    example: 'billing-tests',
    description: 'Join this queue group: the server gives each message to ONE member of the group (the service\'s own workers, if they use the same group, then share them with the step)',
  })
  @IsOptional()
  @Matches(/^[^\s*>]{1,255}$/, { message: 'queueGroup must be 1-255 characters without whitespace or wildcards' })
  queueGroup?: string;
}

export type NatsSubscribeStepResult = MessageSearchResult<NatsReceivedMessage>;
