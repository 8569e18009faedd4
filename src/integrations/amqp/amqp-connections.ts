import { Injectable, type OnModuleDestroy } from '@nestjs/common';
import type { ChannelModel } from 'amqplib';
import { EgressService } from '../../egress/egress.service';
import type { ClientLease, ClientPool } from '../../resources/client-pool';
import { untilAborted } from '../../steps/shared/until-aborted';
import { StepClientPools } from '../../steps/step-client-pools';
import { StepError, type StepResource } from '../../steps/step-plugin';
import { amqpEndpoint, amqpErrorMessage, connectAmqp, describeEndpoint } from './amqp-connection-options';
import type { AmqpResourceConfig } from './amqp-resource-config.dto';

/** Longest a step waits for a new connection (TCP + AMQP handshake), within its own deadline. */
const CONNECT_TIMEOUT_MS = 10_000;

/**
 * One AMQP connection per resource version, shared by the publish and consume steps of every run on
 * this worker; each step opens its own channel on it, so a channel error (an unknown exchange closes
 * the channel) stays that step's. A connection the broker closes (restart, forced close) is dropped
 * from the pool at once, so the next step connects again instead of failing on a dead one.
 */
@Injectable()
export class AmqpConnections implements OnModuleDestroy {
  private readonly pool: ClientPool<ChannelModel, StepResource<AmqpResourceConfig>>;
  /** Connections the pool closes itself: their 'close' is expected, not a reason to drop the resource. */
  private readonly closedByPool = new WeakSet<ChannelModel>();

  constructor(pools: StepClientPools, egress: EgressService) {
    this.pool = pools.create<ChannelModel, AmqpResourceConfig>({
      create: async (resource) => {
        const model = await connectAmqp(resource.config, egress, CONNECT_TIMEOUT_MS);
        // Without listeners an 'error' event would crash the worker; channels report their own errors.
        model.on('error', () => undefined);
        model.on('close', () => {
          if (!this.closedByPool.has(model)) void this.pool.drop(resource.id);
        });
        return model;
      },
      close: async (model) => {
        this.closedByPool.add(model);
        await model.close().catch(() => undefined);
      },
    });
  }

  /** The resource's connection, leased until `release()`; aborts with the step. */
  async acquire(resource: StepResource<AmqpResourceConfig>, signal: AbortSignal): Promise<ClientLease<ChannelModel>> {
    const acquiring = this.pool.acquire(resource);
    try {
      return await untilAborted(acquiring, signal);
    } catch (error) {
      // A connection still opening after an abort is handed back, or it would never be idle-closed.
      if (signal.aborted) void acquiring.then((late) => late.release(), () => undefined);
      const where = describeEndpoint(amqpEndpoint(resource.config));
      const why = signal.aborted ? `aborted (${(signal.reason as Error | undefined)?.message ?? String(signal.reason)})` : amqpErrorMessage(error);
      throw new StepError(`cannot connect to RabbitMQ on resource "${resource.name}" (${where}): ${why}`, { reason: signal.aborted ? 'aborted' : 'connect' });
    }
  }

  async onModuleDestroy(): Promise<void> {
    await this.pool.closeAll();
  }
}
