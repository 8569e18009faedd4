import { randomUUID } from 'node:crypto';
import { loadConfig } from '../../src/config/load-config';
import { EgressService } from '../../src/egress/egress.service';
import { ClientPool, type ClientPoolOptions } from '../../src/resources/client-pool';
import type { ResourcesService } from '../../src/resources/resources.service';
import type { ResolvedResource, StepContext } from '../../src/steps/step-plugin';

/**
 * What the step plugins use of ResourcesService (pooled clients), without its database: the plugins
 * are instantiated with `new` and run against the real servers.
 */
export function poolOnlyResources(): ResourcesService & { closeAll(): Promise<void> } {
  const pools: Array<ClientPool<unknown, ResolvedResource>> = [];
  return {
    createClientPool<T>(options: ClientPoolOptions<T, ResolvedResource>) {
      const pool = new ClientPool<T, ResolvedResource>({ idleMs: 60_000, ...options });
      pools.push(pool as ClientPool<unknown, ResolvedResource>);
      return pool;
    },
    async closeAll() {
      await Promise.all(pools.map((pool) => pool.closeAll()));
    },
  } as unknown as ResourcesService & { closeAll(): Promise<void> };
}

export function resource(type: string, config: Record<string, unknown>, name = `${type}-test`): ResolvedResource {
  return { id: randomUUID(), name, type, version: 1, config };
}

export interface TestStepContext<T> extends StepContext<T> {
  abort(reason?: unknown): void;
}

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
