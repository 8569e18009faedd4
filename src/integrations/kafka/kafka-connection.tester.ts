import { Injectable } from '@nestjs/common';
import { Kafka } from 'kafkajs';
import type { ConnectionTestContext, ResourceConnectionTester } from '../../resources/resource-type';
import { ResourceType } from '../../resources/resource-type.decorator';
import { kafkaClientConfig, kafkaEgressTargets } from './kafka-client-config';
import { KAFKA_SECRETS, KafkaResourceConfig } from './kafka-resource-config.dto';

@ResourceType({
  type: 'kafka',
  description: 'Kafka cluster for publish and subscribe steps (TLS, SASL plain / SCRAM)',
  config: KafkaResourceConfig,
  secrets: KAFKA_SECRETS,
  addressFields: ['brokers'],
  egressTargets: (config) => kafkaEgressTargets(config as KafkaResourceConfig),
  example: {
    brokers: ['kafka-1.internal:9092', 'kafka-2.internal:9092'],
    clientId: 'ats-orders-tests',
    ssl: { rejectUnauthorized: true },
    sasl: { mechanism: 'scram-sha-512', username: 'qa-runner', password: 'change-me' },
  },
})
@Injectable()
export class KafkaConnectionTester implements ResourceConnectionTester<KafkaResourceConfig> {
  async test(config: KafkaResourceConfig, { signal, timeoutMs, egress }: ConnectionTestContext): Promise<Record<string, unknown>> {
    // One attempt with the test's budget: kafkajs' default retries would outlive the test's timeout.
    const kafka = new Kafka(
      await kafkaClientConfig(config, egress, {
        connectionTimeout: Math.min(config.clientOptions?.connectionTimeoutMs ?? timeoutMs, timeoutMs),
        authenticationTimeout: timeoutMs,
        requestTimeout: timeoutMs,
        retry: { retries: 0 },
      }),
    );
    const admin = kafka.admin();
    const abort = () => void admin.disconnect().catch(() => undefined);
    signal.addEventListener('abort', abort, { once: true });
    try {
      await admin.connect();
      const cluster = await admin.describeCluster();
      return { clusterId: cluster.clusterId, controller: cluster.controller, brokers: cluster.brokers.map((b) => `${b.host}:${b.port}`) };
    } catch (error) {
      throw new Error(kafkaMessage(error));
    } finally {
      signal.removeEventListener('abort', abort);
      await admin.disconnect().catch(() => undefined);
    }
  }
}

/** kafkajs wraps the real cause ("Connection error: connect ECONNREFUSED") in retry errors. */
function kafkaMessage(error: unknown): string {
  let current = error as { message?: string; originalError?: unknown; cause?: unknown } | undefined;
  const messages: string[] = [];
  while (current && messages.length < 5) {
    if (current.message && !messages.includes(current.message)) messages.push(current.message);
    current = (current.originalError ?? current.cause) as typeof current;
  }
  return messages.length ? messages.reverse().join(' — ') : String(error);
}
