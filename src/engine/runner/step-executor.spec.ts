import { Injectable } from '@nestjs/common';
import type { DiscoveryService } from '@nestjs/core';
import { IsOptional, IsString, IsUUID } from 'class-validator';
import { AppException } from '../../common/errors/app.exception';
import type { StepDefinition } from '../../flows/flow-definition';
import type { ResourceConnectionTester } from '../../resources/resource-type';
import { ResourceType } from '../../resources/resource-type.decorator';
import { ResourceTypeRegistry } from '../../resources/resource-type-registry.service';
import type { ResourcesService } from '../../resources/resources.service';
import type { ResolvedResource, StepContext, StepRunner } from '../../steps/step-plugin';
import { StepPlugin } from '../../steps/step-plugin.decorator';
import { StepRegistry } from '../../steps/step-registry.service';
import { StepExecutor } from './step-executor';
import type { StepRunContext } from './step-run-context';

class QueueResourceConfig {
  @IsString() url: string;
}

class QueueStepConfig {
  // Optional in the DTO so that the executor's own check is what refuses a missing id.
  @IsOptional() @IsUUID() resourceId?: string;
}

@ResourceType({ type: 'queue', description: 'test queue', config: QueueResourceConfig, secrets: [], addressFields: ['url'], example: { url: 'q://h' } })
@Injectable()
class QueueConnectionTester implements ResourceConnectionTester {
  async test(): Promise<void> {}
}

@StepPlugin({ type: 'queue-send', description: 'test', config: QueueStepConfig, resource: QueueResourceConfig, resultSchema: {} })
class QueueSendStep implements StepRunner<QueueStepConfig, { url: string; resourceName: string }, QueueResourceConfig> {
  runs = 0;
  async run(ctx: StepContext<QueueStepConfig, QueueResourceConfig>) {
    this.runs++;
    return { url: ctx.resource.config.url, resourceName: ctx.resource.name };
  }
}

@StepPlugin({ type: 'queue-peek', description: 'test', config: QueueStepConfig, resource: QueueResourceConfig, resourceOptional: true, resultSchema: {} })
class QueuePeekStep implements StepRunner<QueueStepConfig, { url: string | null }, QueueResourceConfig | undefined> {
  async run(ctx: StepContext<QueueStepConfig, QueueResourceConfig | undefined>) {
    return { url: ctx.resource?.config.url ?? null };
  }
}

@StepPlugin({ type: 'queue-log', description: 'test', config: QueueStepConfig, resource: QueueResourceConfig, resultSchema: {} })
class QueueLogStep implements StepRunner<QueueStepConfig, { ok: boolean }, QueueResourceConfig> {
  attempt = 0;
  async run(ctx: StepContext<QueueStepConfig, QueueResourceConfig>) {
    this.attempt++;
    ctx.log(`connecting to ${ctx.resource.config.url} with password pw-1234`);
    if (this.attempt === 1) throw new Error('not yet');
    return { ok: true };
  }
}

const TEAM = '0b6f4c1e-7d2a-4f3b-8c9d-5e6f7a8b9c0d';
const QUEUE_ID = '11111111-1111-4111-8111-111111111111';
const REDIS_ID = '22222222-2222-4222-8222-222222222222';
const MISSING_ID = '33333333-3333-4333-8333-333333333333';

const stored: Record<string, ResolvedResource> = {
  [QUEUE_ID]: { id: QUEUE_ID, name: 'orders-queue', type: 'queue', version: 1, config: { url: 'q://orders' }, secretValues: ['pw-1234'] },
  [REDIS_ID]: { id: REDIS_ID, name: 'cache', type: 'redis', version: 1, config: { host: 'h' } },
};

function executor(send: QueueSendStep): StepExecutor {
  const resourceTypes = new ResourceTypeRegistry({ getProviders: () => [] } as unknown as DiscoveryService);
  resourceTypes.register(Reflect.getMetadata(ResourceType.KEY, QueueConnectionTester), new QueueConnectionTester());
  const registry = new StepRegistry({} as DiscoveryService, resourceTypes);
  for (const plugin of [send, new QueuePeekStep(), new QueueLogStep()]) registry.register(Reflect.getMetadata(StepPlugin.KEY, plugin.constructor), plugin);
  const resources = {
    resolve: async (teamId: string, id: string) => {
      const resource = teamId === TEAM ? stored[id] : undefined;
      if (!resource) throw AppException.notFound('resource');
      return structuredClone(resource);
    },
  } as unknown as ResourcesService;
  return new StepExecutor(registry, resources);
}

function runContext(): StepRunContext {
  return {
    executionId: 'e-1',
    teamId: TEAM,
    executionStartedAt: Date.now(),
    signal: new AbortController().signal,
    scope: { variables: {}, steps: {}, env: {}, execution: { id: 'e-1', correlationId: 'c-1', traceId: '4bf92f3577b34da6a3ce929d0e0e4736', startedAt: new Date().toISOString() } },
    secretValues: new Set(),
  };
}

const step = (type: string, config: Record<string, unknown>): StepDefinition => ({ id: 's1', name: 'send', type, config, retry: { maxRetries: 2, initialDelayMs: 1 } });

describe('StepExecutor: the resource a plugin declares', () => {
  it('hands the plugin its resource, resolved in the team', async () => {
    const send = new QueueSendStep();
    const outcome = await executor(send).execute(step('queue-send', { resourceId: QUEUE_ID }), runContext());
    expect(outcome).toMatchObject({ status: 'SUCCESS', response: { url: 'q://orders', resourceName: 'orders-queue' } });
  });

  it('refuses a resource of another type, once (no retry), without running the plugin', async () => {
    const send = new QueueSendStep();
    const outcome = await executor(send).execute(step('queue-send', { resourceId: REDIS_ID }), runContext());
    expect(outcome).toMatchObject({ status: 'ERROR', attempts: 1, error: 'resource "cache" is a redis resource; a queue-send step needs a queue resource' });
    expect(send.runs).toBe(0);
  });

  it('refuses a missing resourceId and a resource not in the team', async () => {
    const send = new QueueSendStep();
    const missingId = await executor(send).execute(step('queue-send', {}), runContext());
    expect(missingId).toMatchObject({ status: 'ERROR', attempts: 1, error: 'a queue-send step needs a queue resource: set config.resourceId to the id of one' });
    const unknown = await executor(send).execute(step('queue-send', { resourceId: MISSING_ID }), runContext());
    expect(unknown).toMatchObject({ status: 'ERROR', attempts: 1, error: `resource ${MISSING_ID} not found in this team` });
    expect(send.runs).toBe(0);
  });

  it('runs a plugin with resourceOptional without one, and with one when named', async () => {
    const run = executor(new QueueSendStep());
    expect(await run.execute(step('queue-peek', {}), runContext())).toMatchObject({ status: 'SUCCESS', response: { url: null } });
    expect(await run.execute(step('queue-peek', { resourceId: QUEUE_ID }), runContext())).toMatchObject({ status: 'SUCCESS', response: { url: 'q://orders' } });
  });
});

describe('StepExecutor: ctx.log', () => {
  it("keeps every attempt's lines with the step, the resource's secrets redacted", async () => {
    const outcome = await executor(new QueueSendStep()).execute(step('queue-log', { resourceId: QUEUE_ID }), runContext());
    expect(outcome).toMatchObject({ status: 'SUCCESS', attempts: 2 });
    expect(outcome.logs).toEqual(['connecting to q://orders with password [REDACTED]', '[attempt 2] connecting to q://orders with password [REDACTED]']);
  });

  it('adds no logs to a step that logged nothing', async () => {
    const outcome = await executor(new QueueSendStep()).execute(step('queue-send', { resourceId: QUEUE_ID }), runContext());
    expect(outcome).not.toHaveProperty('logs');
  });
});
