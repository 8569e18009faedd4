import { Injectable, Logger, type OnModuleDestroy } from '@nestjs/common';
import { AppConfig } from '../config/app-config';
import type { StepResource } from '../steps/step-plugin';
import { StepClientPools } from '../steps/step-client-pools';
import { ClientPool, type ClientPoolOptions } from './client-pool';
import { ResourcesService } from './resources.service';

/**
 * The resources side of StepClientPools: every pool a plugin creates drops a resource's clients when
 * ResourcesService reports the resource changed, and all are closed at shutdown. Idle time defaults
 * to RESOURCE_CLIENT_IDLE_SEC.
 */
@Injectable()
export class ResourceClientPools extends StepClientPools implements OnModuleDestroy {
  private readonly logger = new Logger('ResourceClientPools');
  private readonly pools = new Set<ClientPool<unknown, StepResource<object>>>();

  constructor(
    private readonly resources: ResourcesService,
    private readonly appConfig: AppConfig,
  ) {
    super();
  }

  create<TClient, TResourceConfig extends object>(
    options: ClientPoolOptions<TClient, StepResource<TResourceConfig>>,
  ): ClientPool<TClient, StepResource<TResourceConfig>> {
    const pool = new ClientPool<TClient, StepResource<TResourceConfig>>({
      idleMs: this.appConfig.RESOURCE_CLIENT_IDLE_SEC * 1000,
      onCloseError: (error) => this.logger.warn(`Closing a pooled resource client failed: ${(error as Error).message}`),
      ...options,
    });
    this.pools.add(pool as unknown as ClientPool<unknown, StepResource<object>>);
    this.resources.onResourceChanged((resourceId) => void pool.drop(resourceId));
    return pool;
  }

  async onModuleDestroy(): Promise<void> {
    await Promise.all([...this.pools].map((pool) => pool.closeAll()));
  }
}
