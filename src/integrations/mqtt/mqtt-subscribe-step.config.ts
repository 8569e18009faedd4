import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { ArrayMaxSize, ArrayMinSize, IsArray, IsIn, IsOptional, IsUUID } from 'class-validator';
import { JSONSchema } from 'class-validator-jsonschema';
import { Satisfies } from '../../common/validation/satisfies.decorator';
import { MessageSearchConfig, type MessageSearchResult } from '../../steps/shared/message-search';
import { MQTT_QOS, type MqttQos } from './mqtt-publish-step.config';
import { MQTT_TOPIC_MAX_BYTES, topicFilterProblem } from './mqtt-topic';

export const MQTT_RETAINED_HANDLING = ['ignore', 'include'] as const;
export type MqttRetainedHandling = (typeof MQTT_RETAINED_HANDLING)[number];

const MAX_TOPICS = 32;

/**
 * Config of an `mqtt-subscribe` step: the shared search fields (searchPattern, matchAll, messageLimit,
 * timeoutMs, expect) plus the topic filters. Run in the background, it is subscribed (SUBACK received)
 * before the flow's next step starts, so a message that step causes cannot be missed.
 */
export class MqttSubscribeStepConfig extends MessageSearchConfig {
  @ApiProperty({ format: 'uuid', description: 'An `mqtt` resource', example: '6f1c2a8e-3b4d-4e5f-9a7b-1c2d3e4f5a6b' })
  @IsUUID()
  resourceId: string;

  @ApiProperty({
    type: [String],
    example: ['orders/+/paid', 'billing/#'],
    description: `1-${MAX_TOPICS} topic filters; + matches one level, # (last) any number of levels`,
  })
  @IsArray() @ArrayMinSize(1) @ArrayMaxSize(MAX_TOPICS)
  // The custom per-item check has no schema of its own: say what the items are.
  @JSONSchema({ type: 'array', items: { type: 'string', minLength: 1, maxLength: MQTT_TOPIC_MAX_BYTES }, minItems: 1, maxItems: MAX_TOPICS })
  @Satisfies('isMqttTopicFilter', (value) => (typeof value === 'string' ? topicFilterProblem(value) : 'must be a string'), { each: true })
  topics: string[];

  @ApiPropertyOptional({ enum: MQTT_QOS, default: 1, description: 'Subscription QoS: the highest QoS the broker delivers with (a message arrives with the lower of this and its published QoS)' })
  @IsOptional() @IsIn(MQTT_QOS)
  qos?: MqttQos;

  @ApiPropertyOptional({
    enum: MQTT_RETAINED_HANDLING,
    default: 'ignore',
    description:
      '`ignore`: the retained messages the broker hands out on subscribing are skipped (not scanned), so a stale one from an earlier run cannot pass the test; messages published while subscribed always count, retain flag or not. `include`: they are searched like the others (retain: true in the result).',
  })
  @IsOptional() @IsIn(MQTT_RETAINED_HANDLING)
  retained?: MqttRetainedHandling;
}

/** A message as the step returns it: the shared `{value, headers, timestamp}` plus MQTT's own fields. */
export interface MqttReceivedMessage {
  topic: string;
  /** Parsed when a JSON object or array, else text. */
  value: unknown;
  /** MQTT 5 user properties (a repeated name gives an array); always empty with MQTT 3.1.1. */
  headers: Record<string, string | string[]>;
  /** When this service received it (MQTT carries no timestamp). */
  timestamp: string;
  qos: MqttQos;
  /** true: a retained message handed out on subscribing (only with retained: "include"). */
  retain: boolean;
  /** Set when the body was longer than the service keeps: value holds its beginning. */
  truncated?: true;
}

export type MqttSubscribeStepResult = MessageSearchResult<MqttReceivedMessage>;
