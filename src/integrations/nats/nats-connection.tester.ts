import { Injectable } from '@nestjs/common';
import { jetstreamManager } from '@nats-io/jetstream';
import type { NatsConnection } from '@nats-io/transport-node';
import type { ConnectionTestContext, ResourceConnectionTester } from '../../resources/resource-type';
import { ResourceType } from '../../resources/resource-type.decorator';
import { untilAborted } from '../../steps/shared/until-aborted';
import { connectNats } from './nats-connect';
import { NATS_SECRETS, NatsResourceConfig } from './nats-resource-config.dto';
import { natsEgressTargets } from './nats-servers';

@ResourceType({
  type: 'nats',
  description: 'NATS server or cluster for core NATS (publish, subscribe, request/reply) and JetStream steps (user/password or token, TLS)',
  config: NatsResourceConfig,
  secrets: NATS_SECRETS,
  addressFields: ['servers'],
  egressTargets: (config) => natsEgressTargets(config as NatsResourceConfig),
  example: { servers: ['nats://nats-1.internal:4222', 'nats://nats-2.internal:4222'], user: 'qa-runner', password: 'change-me' },
})
@Injectable()
export class NatsConnectionTester implements ResourceConnectionTester<NatsResourceConfig> {
  /** Connects (handshake and a PING/PONG round trip), then asks whether JetStream answers for this account. */
  async test(config: NatsResourceConfig, { signal, timeoutMs, egress }: ConnectionTestContext): Promise<Record<string, unknown>> {
    const connecting = connectNats(config, egress, { timeoutMs, reconnect: false, name: 'async-testing-service (connection test)' });
    let nc: NatsConnection;
    try {
      nc = await untilAborted(connecting, signal);
    } catch (error) {
      // A connection that completes after the test gave up must not stay open.
      void connecting.then((late) => late.close(), () => undefined);
      throw error;
    }
    try {
      const rtt = await untilAborted(nc.rtt(), signal);
      const info = nc.info;
      return {
        server: nc.getServer(),
        serverName: info?.server_name,
        version: info?.version,
        rttMs: Math.round(rtt * 100) / 100,
        jetstream: await this.jetstreamAnswers(nc, signal, timeoutMs),
      };
    } finally {
      await nc.close().catch(() => undefined);
    }
  }

  /** JetStream's account info: false when JetStream is off on the server or for the account. */
  private async jetstreamAnswers(nc: NatsConnection, signal: AbortSignal, timeoutMs: number): Promise<boolean> {
    if (nc.info?.jetstream !== true) return false;
    try {
      const jsm = await untilAborted(jetstreamManager(nc, { timeout: Math.min(timeoutMs, 5_000) }), signal);
      await untilAborted(jsm.getAccountInfo(), signal);
      return true;
    } catch {
      return false;
    }
  }
}
