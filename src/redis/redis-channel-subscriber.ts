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
 * two). The connection opens on the first `listen`, so a process that listens to nothing has none.
 * (The resource-change bus keeps its own connection: it must resync after every reconnect. So does the
 * worker's cancel channel, its only subscription.)
 */
@Injectable()
export class RedisChannelSubscriber implements OnModuleDestroy {
  private readonly logger = new Logger(RedisChannelSubscriber.name);
  private readonly handlers = new Map<string, Set<ChannelHandler>>();
  private connection?: Redis;

  constructor(private readonly factory: RedisFactory) {}

  /** Calls `handler` with every message of `channels` from now on; returns the function that stops it. */
  async listen(channels: readonly string[], handler: ChannelHandler): Promise<() => void> {
    const connection = this.connect();
    const fresh = channels.filter((channel) => !this.handlers.has(channel));
    for (const channel of channels) {
      const set = this.handlers.get(channel) ?? new Set<ChannelHandler>();
      this.handlers.set(channel, set.add(handler));
    }
    const stop = () => channels.forEach((channel) => this.handlers.get(channel)?.delete(handler));
    if (fresh.length) {
      try {
        await connection.subscribe(...fresh);
      } catch (error) {
        stop();
        fresh.forEach((channel) => this.handlers.delete(channel)); // the next listen subscribes them again
        throw error;
      }
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
    for (const handler of this.handlers.get(channel) ?? []) {
      try {
        handler(channel, message);
      } catch (err) {
        this.logger.warn({ err, channel }, 'A subscriber of a Redis channel failed on a message');
      }
    }
  }
}
