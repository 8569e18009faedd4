import { Injectable, type OnModuleDestroy } from '@nestjs/common';
import { jetstream, jetstreamManager, type JetStreamClient, type JetStreamManager } from '@nats-io/jetstream';
import type { NatsConnection } from '@nats-io/transport-node';
import { EgressService } from '../../egress/egress.service';
import type { ClientLease, ClientPool } from '../../resources/client-pool';
import { untilAborted } from '../../steps/shared/until-aborted';
import { StepClientPools } from '../../steps/step-client-pools';
import { StepError, type StepContext, type StepResource } from '../../steps/step-plugin';
import { connectNats, NatsConnectError } from './nats-connect';
import type { NatsResourceConfig } from './nats-resource-config.dto';

/** Handshake budget of a pooled connection (the step's own deadline still applies through its signal). */
const CONNECT_TIMEOUT_MS = 10_000;

/**
 * One pooled connection of a `nats` resource version, shared by every NATS and JetStream step: NATS
 * multiplexes subscriptions, requests and JetStream calls over one connection. Steps learn through
 * `onClose` when it closes under them (server gone for good, the pool retiring it at shutdown).
 */
export class NatsClient {
  private readonly closeListeners = new Set<(reason: string) => void>();
  private js?: JetStreamClient;
  private jsm?: Promise<JetStreamManager>;

  constructor(readonly nc: NatsConnection) {
    void nc.closed().then((error) => {
      const reason = error ? `the connection to NATS closed: ${error.message}` : 'the connection to NATS closed';
      for (const listener of [...this.closeListeners]) listener(reason);
      this.closeListeners.clear();
    });
  }

  get isClosed(): boolean {
    return this.nc.isClosed() || this.nc.isDraining();
  }

  /** Runs `listener` once if the connection closes; the returned function unregisters it. */
  onClose(listener: (reason: string) => void): () => void {
    this.closeListeners.add(listener);
    return () => this.closeListeners.delete(listener);
  }

  jetstream(): JetStreamClient {
    this.js ??= jetstream(this.nc);
    return this.js;
  }

  jetstreamManager(): Promise<JetStreamManager> {
    if (!this.jsm) {
      const opening = jetstreamManager(this.nc);
      this.jsm = opening;
      opening.catch(() => {
        if (this.jsm === opening) this.jsm = undefined; // JetStream may be enabled later: ask again next time
      });
    }
    return this.jsm;
  }
}

/** The pool of NATS connections, keyed by resource id and version (an edit gets a fresh connection). */
@Injectable()
export class NatsConnections implements OnModuleDestroy {
  private readonly pool: ClientPool<NatsClient, StepResource<NatsResourceConfig>>;

  constructor(pools: StepClientPools, egress: EgressService) {
    this.pool = pools.create<NatsClient, NatsResourceConfig>({
      create: async (resource) => new NatsClient(await connectNats(resource.config, egress, { timeoutMs: CONNECT_TIMEOUT_MS, reconnect: true })),
      close: async ({ nc }) => {
        await nc.close();
      },
    });
  }

  /**
   * The resource's connection for one step; fails with a StepError naming the resource. A pooled
   * connection that has closed (its reconnects gave up) is dropped and a new one opened.
   */
  async acquire(ctx: StepContext<unknown, NatsResourceConfig>): Promise<ClientLease<NatsClient>> {
    const resource = ctx.resource;
    for (let attempt = 0; ; attempt++) {
      const lease = await this.acquireOnce(resource, ctx.signal);
      if (!lease.client.isClosed || attempt > 0) return lease;
      lease.release();
      await this.pool.drop(resource.id);
    }
  }

  /** Runs one exchange of a step on the resource's connection; a failure of it becomes `describe(error)`. */
  async withClient<T>(ctx: StepContext<unknown, NatsResourceConfig>, exchange: (client: NatsClient) => Promise<T>, describe: (error: unknown, client: NatsClient) => StepError | Promise<StepError>): Promise<T> {
    const lease = await this.acquire(ctx);
    try {
      return await exchange(lease.client);
    } catch (error) {
      throw await describe(error, lease.client);
    } finally {
      lease.release();
    }
  }

  async onModuleDestroy(): Promise<void> {
    await this.pool.closeAll();
  }

  private async acquireOnce(resource: StepResource<NatsResourceConfig>, signal: AbortSignal): Promise<ClientLease<NatsClient>> {
    const acquiring = this.pool.acquire(resource);
    try {
      return await untilAborted(acquiring, signal);
    } catch (error) {
      // A connection still opening after an abort must be handed back, or it would never be idle-closed.
      if (signal.aborted) void acquiring.then((late) => late.release(), () => undefined);
      throw connectStepError(error, resource, signal);
    }
  }
}

function connectStepError(error: unknown, resource: StepResource<NatsResourceConfig>, signal: AbortSignal): StepError {
  if (error instanceof StepError) return error;
  const where = `cannot connect to NATS on resource "${resource.name}"`;
  if (signal.aborted) {
    const reason = signal.reason as { name?: string; message?: string } | undefined;
    return reason?.name === 'TimeoutError'
      ? new StepError(`${where}: the step timed out while connecting`, { reason: 'timeout' })
      : new StepError(`${where}: cancelled (${reason?.message ?? String(reason)})`, { reason: 'aborted' });
  }
  const message = error instanceof NatsConnectError || error instanceof Error ? error.message : String(error);
  return new StepError(`${where}: ${message}`, { reason: 'connect' });
}
