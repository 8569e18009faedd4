import { Injectable, Logger, type OnModuleDestroy } from '@nestjs/common';
import type Redis from 'ioredis';
import { RedisFactory } from './redis.factory';

export type ChannelHandler = (channel: string, message: string) => void;

/**
 * One Redis subscriber connection shared by the channels an API instance's live streams listen to
 * (execution updates, suite-run updates, team-access revocations). A message published once reaches
 * the process once, however many features read it — with a connection per feature, every execution
 * update was written by Redis and read by the API twice. One connection also keeps messages of
 * different channels in the order they were published (the suite-run hub relies on that across its
 * two). The connection opens on the first `listen`, so a process that listens to nothing has none, and
 * a channel is subscribed only while a listener needs it (see OnDemandChannelListener).
 * (The resource-change bus keeps its own connection: it must resync after every reconnect. So does the
 * worker's cancel channel, its only subscription.)
 */
@Injectable()
export class RedisChannelSubscriber implements OnModuleDestroy {
  private readonly logger = new Logger(RedisChannelSubscriber.name);
  /** Each subscribed channel: its handlers, and the SUBSCRIBE's reply (messages flow once it settles). */
  private readonly channels = new Map<string, { handlers: Set<ChannelHandler>; subscribed: Promise<unknown> }>();
  private connection?: Redis;

  constructor(private readonly factory: RedisFactory) {}

  /**
   * Calls `handler` with every message of `channels` published once this resolves — it resolves when
   * Redis has confirmed the subscription of every one of them, also when another listener asked first
   * and its SUBSCRIBE is still on its way. Returns the function that stops it; a channel nobody here
   * listens to any more is unsubscribed, so Redis stops sending its messages to this process.
   */
  async listen(channels: readonly string[], handler: ChannelHandler): Promise<() => void> {
    const connection = this.connect();
    const subscribed = channels.map((channel) => {
      let entry = this.channels.get(channel);
      if (!entry) {
        const created = { handlers: new Set<ChannelHandler>(), subscribed: connection.subscribe(channel) };
        // A refused SUBSCRIBE is forgotten, so the next listen asks again.
        created.subscribed.catch(() => this.channels.get(channel) === created && this.channels.delete(channel));
        this.channels.set(channel, (entry = created));
      }
      entry.handlers.add(handler);
      return entry.subscribed;
    });
    const stop = () => {
      for (const channel of channels) {
        const entry = this.channels.get(channel);
        if (!entry?.handlers.delete(handler) || entry.handlers.size) continue;
        this.channels.delete(channel);
        // Sent after any SUBSCRIBE of it still in flight (one connection keeps the order), and before a later one.
        void connection.unsubscribe(channel).catch(() => undefined);
      }
    };
    try {
      await Promise.all(subscribed);
    } catch (error) {
      stop();
      throw error;
    }
    return stop;
  }

  async onModuleDestroy(): Promise<void> {
    await this.connection?.quit().catch(() => undefined);
  }

  private connect(): Redis {
    if (this.connection) return this.connection;
    const connection = this.factory.create('updates-sub');
    connection.on('message', (channel: string, message: string) => this.dispatch(channel, message));
    return (this.connection = connection);
  }

  /** A handler that throws (a malformed message) is logged; the others still get the message. */
  private dispatch(channel: string, message: string): void {
    for (const handler of this.channels.get(channel)?.handlers ?? []) {
      try {
        handler(channel, message);
      } catch (err) {
        this.logger.warn({ err, channel }, 'A subscriber of a Redis channel failed on a message');
      }
    }
  }
}
