import type { ClientPool, ClientPoolOptions } from '../resources/client-pool';
import type { StepResource } from './step-plugin';

/**
 * How a step plugin gets long-lived clients (a producer, a connection pool), one per resource version,
 * without knowing the resources module: the pool drops a resource's clients when the resource changes
 * (in any process) and closes them all at shutdown. Injected by this class; the resources side
 * provides the implementation globally (ResourceClientPools).
 */
export abstract class StepClientPools {
  abstract create<TClient, TResourceConfig extends object>(
    options: ClientPoolOptions<TClient, StepResource<TResourceConfig>>,
  ): ClientPool<TClient, StepResource<TResourceConfig>>;
}
