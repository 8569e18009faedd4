import type { ChannelHandler, RedisChannelSubscriber } from './redis-channel-subscriber';

/**
 * How long channels stay subscribed after their last user left: a viewer going from one run to the
 * next (leave, then join) does not unsubscribe and subscribe again in between.
 */
export const LIVE_CHANNEL_LINGER_MS = 30_000;

/**
 * Listens to Redis channels only while something in this process uses them: the live-stream hubs hold
 * the execution-update channels while a client watches. An API instance that nobody watches then gets
 * none of the workers' update messages (about one per run, each woke the process only to be dropped),
 * so an idle instance's cost no longer grows with the number of runs elsewhere — with many API
 * instances, only those with viewers receive the stream. (On one instance at 100 runs/s the saving is
 * within the benchmark host's noise: RESULTS.md, session 8.)
 *
 * `acquire` resolves once Redis has confirmed the subscription, so a user that reads its snapshot after
 * it misses no update published after that read (ExecutionStreamHub's ordering rules rely on it).
 */
export class OnDemandChannelListener {
  private users = 0;
  /** The current listening: its stop function, once subscribed. */
  private listening?: Promise<() => void>;
  private idleTimer?: NodeJS.Timeout;

  constructor(
    private readonly subscriber: RedisChannelSubscriber,
    private readonly channels: () => readonly string[],
    private readonly handler: ChannelHandler,
    private readonly lingerMs = LIVE_CHANNEL_LINGER_MS,
  ) {}

  /** Subscribes if needed and resolves when the channels are live; returns the function that gives them back. */
  async acquire(): Promise<() => void> {
    this.users++;
    clearTimeout(this.idleTimer);
    this.idleTimer = undefined;
    // A closure per listening: the subscriber keeps handlers in a set, and an earlier listening's stop
    // (still pending) must not remove this one's.
    const listening = (this.listening ??= this.subscriber.listen(this.channels(), (channel, message) => this.handler(channel, message)));
    try {
      await listening;
    } catch (error) {
      if (this.listening === listening) this.listening = undefined; // the next acquire tries again
      this.users--;
      throw error;
    }
    let released = false;
    return () => {
      if (released) return;
      released = true;
      if (--this.users === 0) this.idleTimer = setTimeout(() => this.stop(), this.lingerMs).unref();
    };
  }

  /** Stops listening now, whoever still uses the channels (module shutdown). */
  close(): void {
    clearTimeout(this.idleTimer);
    this.stop();
  }

  private stop(): void {
    const listening = this.listening;
    this.listening = undefined;
    listening?.then((stop) => stop()).catch(() => undefined);
  }
}
