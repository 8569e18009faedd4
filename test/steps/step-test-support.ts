import { randomUUID } from 'node:crypto';
import { loadConfig } from '../../src/config/load-config';
import { EgressService } from '../../src/egress/egress.service';
import { ClientPool, type ClientPoolOptions } from '../../src/resources/client-pool';
import { StepClientPools } from '../../src/steps/step-client-pools';
import type { ResolvedResource, StepContext, StepResource } from '../../src/steps/step-plugin';

/**
 * The pooled-client port as plugins get it, without the resources module (no database, no change
 * bus): the plugins are instantiated with `new` and run against the real servers.
 */
export class TestClientPools extends StepClientPools {
  private readonly pools: Array<{ closeAll(): Promise<void> }> = [];

  create<TClient, TResourceConfig extends object>(options: ClientPoolOptions<TClient, StepResource<TResourceConfig>>): ClientPool<TClient, StepResource<TResourceConfig>> {
    const pool = new ClientPool<TClient, StepResource<TResourceConfig>>({ idleMs: 60_000, ...options });
    this.pools.push(pool);
    return pool;
  }

  async closeAll(): Promise<void> {
    await Promise.all(this.pools.map((pool) => pool.closeAll()));
  }
}

export function testClientPools(): TestClientPools {
  return new TestClientPools();
}

export function resource(type: string, config: Record<string, unknown>, name = `${type}-test`): ResolvedResource {
  return { id: randomUUID(), name, type, version: 1, config };
}

/**
 * A step context for a plugin under test. Its resource is built from plain JSON by the test, for
 * whichever plugin it runs, so it is not tied to one resource type's config class.
 */
export type TestStepContext<T> = Omit<StepContext<T>, 'resource'> & {
  resource: any;
  abort(reason?: unknown): void;
};

/** A StepContext as the engine builds it: the signal aborts on `abort()` or after `timeoutMs`. */
export function stepContext<T>(config: T, options: { resource?: ResolvedResource; timeoutMs?: number; stepName?: string; executionId?: string } = {}): TestStepContext<T> {
  const timeoutMs = options.timeoutMs ?? 30_000;
  const controller = new AbortController();
  return {
    config,
    resource: options.resource,
    signal: AbortSignal.any([controller.signal, AbortSignal.timeout(timeoutMs)]),
    executionId: options.executionId ?? randomUUID(),
    correlationId: randomUUID(),
    traceId: randomUUID().replaceAll('-', ''),
    stepName: options.stepName ?? 'step',
    executionStartedAt: Date.now(),
    deadline: Date.now() + timeoutMs,
    log: () => undefined,
    abort: (reason = new Error('execution cancelled')) => controller.abort(reason),
  };
}

export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * The egress gate as a plugin built outside Nest gets it, with the control plane of the default
 * config (the shared Postgres 127.0.0.1:5432 and Redis 127.0.0.1:6379). Tests whose system under test
 * is one of those pass `EGRESS_ALLOW_CONTROL_PLANE: 'true'`.
 */
export function testEgress(env: NodeJS.ProcessEnv = {}): EgressService {
  return new EgressService(loadConfig({ NODE_ENV: 'test', ...env }));
}
