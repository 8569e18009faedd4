import { randomBytes } from 'node:crypto';
import { connect, type Channel, type ChannelModel } from 'amqplib';

import { TEST_AMQP_URL } from '../support/test-env';

export { TEST_AMQP_URL };

/**
 * The test's own view of the shared broker: exchanges and queues named with a per-run suffix, declared
 * here (as the system under test would) and deleted at the end — nothing else on the broker is touched.
 */
export class AmqpTestBroker {
  readonly run = randomBytes(4).toString('hex');
  private model?: ChannelModel;
  private channel?: Channel;
  private readonly exchanges = new Set<string>();
  private readonly queues = new Set<string>();

  name(what: string): string {
    return `ats-test-${this.run}-${what}`;
  }

  async open(): Promise<Channel> {
    if (!this.model) {
      this.model = await connect(TEST_AMQP_URL);
      this.model.on('error', () => undefined);
    }
    this.channel ??= await this.model.createChannel();
    return this.channel;
  }

  async exchange(what: string, type: 'topic' | 'direct' | 'fanout' | 'headers' = 'topic'): Promise<string> {
    const name = this.name(what);
    await (await this.open()).assertExchange(name, type, { durable: false, autoDelete: false });
    this.exchanges.add(name);
    return name;
  }

  async queue(what: string): Promise<string> {
    const name = this.name(what);
    await (await this.open()).assertQueue(name, { durable: false });
    this.queues.add(name);
    return name;
  }

  async send(queue: string, body: unknown, headers?: Record<string, unknown>): Promise<void> {
    (await this.open()).sendToQueue(queue, Buffer.from(typeof body === 'string' ? body : JSON.stringify(body)), { headers });
  }

  /** What the queue holds now (a passive declare answers the ready count). */
  async depth(queue: string): Promise<number> {
    await this.open();
    const probe = await this.model!.createChannel();
    try {
      return (await probe.checkQueue(queue)).messageCount;
    } finally {
      await probe.close();
    }
  }

  /** Whether a queue exists (a passive declare of a missing one closes the probe channel with 404). */
  async queueExists(queue: string): Promise<boolean> {
    await this.open();
    const probe = await this.model!.createChannel();
    probe.on('error', () => undefined);
    try {
      await probe.checkQueue(queue);
      await probe.close();
      return true;
    } catch {
      return false;
    }
  }

  async close(): Promise<void> {
    const channel = await this.open();
    for (const queue of this.queues) await channel.deleteQueue(queue).catch(() => undefined);
    for (const exchange of this.exchanges) await channel.deleteExchange(exchange).catch(() => undefined);
    await this.model?.close().catch(() => undefined);
  }
}
