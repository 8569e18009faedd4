import { type KafkaConfig, type SASLOptions, logLevel } from 'kafkajs';
import { tlsConnectionOptions } from '../common/resource-tls-options.dto';
import type { KafkaResourceConfig } from './kafka-resource-config.dto';

/**
 * kafkajs options for a Kafka resource, shared by the connection test and the Kafka steps. `overrides`
 * lets the caller shorten timeouts and retries (a connection test must fail fast).
 */
export function kafkaClientConfig(config: KafkaResourceConfig, overrides: Partial<KafkaConfig> = {}): KafkaConfig {
  const options = config.clientOptions ?? {};
  return {
    clientId: config.clientId,
    brokers: config.brokers,
    ssl: config.ssl ? tlsConnectionOptions(config.ssl) : false,
    sasl: config.sasl ? ({ mechanism: config.sasl.mechanism, username: config.sasl.username, password: config.sasl.password } as SASLOptions) : undefined,
    connectionTimeout: options.connectionTimeoutMs,
    authenticationTimeout: options.authenticationTimeoutMs,
    requestTimeout: options.requestTimeoutMs,
    retry: {
      retries: options.retries,
      initialRetryTime: options.initialRetryTimeMs,
      maxRetryTime: options.maxRetryTimeMs,
    },
    logLevel: logLevel.NOTHING,
    ...overrides,
  };
}
