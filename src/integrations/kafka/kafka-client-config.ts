import type { ConnectionOptions } from 'node:tls';
import { type ISocketFactory, type KafkaConfig, type SASLOptions, logLevel } from 'kafkajs';
import { EgressRefusedError } from '../../egress/egress-refused.error';
import type { EgressService } from '../../egress/egress.service';
import type { ResourceEgressTarget } from '../../resources/resource-type';
import { tlsConnectionOptions } from '../shared/resource-tls-options.dto';
import type { KafkaResourceConfig } from './kafka-resource-config.dto';

/** `host:port` of a broker entry (`[::1]:9092` for IPv6). */
function brokerEndpoint(broker: string): { host: string; port: number } {
  const colon = broker.lastIndexOf(':');
  const host = broker.slice(0, colon).replace(/^\[|\]$/g, '');
  return { host, port: Number(broker.slice(colon + 1)) };
}

/**
 * kafkajs' own factory, with every socket taken from the egress gate: brokers learned from cluster
 * metadata (which the cluster, not the tenant's config, names) are checked like the seed brokers.
 */
function egressSocketFactory(egress: EgressService): ISocketFactory {
  return ({ host, port, ssl, onConnect }) => {
    const tls = ssl ? ({ ...(typeof ssl === 'object' ? ssl : {}) } as ConnectionOptions) : undefined;
    const socket = egress.connect({ host, port, tls }, onConnect);
    socket.setKeepAlive(true, 60_000);
    return socket;
  };
}

/**
 * kafkajs options for a Kafka resource, shared by the connection test and the Kafka steps. `overrides`
 * lets the caller shorten timeouts and retries (a connection test must fail fast). Every seed broker is
 * checked against the egress policy first, so a list mixing an allowed broker with a refused one is
 * refused whichever broker kafkajs would have picked.
 */
export async function kafkaClientConfig(config: KafkaResourceConfig, egress: EgressService, overrides: Partial<KafkaConfig> = {}): Promise<KafkaConfig> {
  await Promise.all(
    config.brokers.map(async (broker) => {
      const { host, port } = brokerEndpoint(broker);
      // Only refusals count here: a seed that does not resolve is kafkajs' to skip, as before.
      await egress.assertAllowed(host, port).catch((error: unknown) => {
        if (error instanceof EgressRefusedError) throw error;
      });
    }),
  );
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
    socketFactory: egressSocketFactory(egress),
  };
}

/** The seed brokers, for the resource type's save-time egress check. */
export function kafkaEgressTargets(config: KafkaResourceConfig): ResourceEgressTarget[] {
  return config.brokers.map((broker, index) => ({ field: `brokers.${index}`, ...brokerEndpoint(broker) }));
}
