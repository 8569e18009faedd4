import type { KafkaConfig } from 'kafkajs';
import type { EgressService } from '../../egress/egress.service';
import { kafkaClientConfig } from './kafka-client-config';
import type { KafkaResourceConfig } from './kafka-resource-config.dto';
import type { StepResource } from '../../steps/step-plugin';

/**
 * kafkajs options of a kafka resource for the Kafka steps. kafkajs merges `retry` with
 * `Object.assign(defaults, retry)`, so a retry field present but undefined (a resource that does not
 * tune it) would replace the default with undefined — and `retryCount < undefined` means no retry at
 * all (a producer's first send to a just-created topic then fails instead of waiting for its leader).
 */
export async function kafkaStepClientConfig(resource: StepResource<KafkaResourceConfig>, egress: EgressService): Promise<KafkaConfig> {
  const config = await kafkaClientConfig(resource.config, egress);
  const retry = Object.fromEntries(Object.entries(config.retry ?? {}).filter(([, value]) => value !== undefined));
  return { ...config, retry };
}
