import { Injectable, Module } from '@nestjs/common';
import { DiscoveryModule, type DiscoveryService } from '@nestjs/core';
import { Test } from '@nestjs/testing';
import { IsString, IsUUID } from 'class-validator';
import type { ResourceConnectionTester } from '../resources/resource-type';
import { ResourceType } from '../resources/resource-type.decorator';
import { ResourceTypeRegistry } from '../resources/resource-type-registry.service';
import type { StepContext, StepRunner } from './step-plugin';
import { StepPlugin } from './step-plugin.decorator';
import { StepRegistry } from './step-registry.service';

class QueueResourceConfig {
  @IsString() url: string;
}

/** A config class no @ResourceType declares: a plugin naming it has a broken link. */
class UnregisteredResourceConfig {
  @IsString() url: string;
}

class QueueStepConfig {
  @IsUUID() resourceId: string;
}

@ResourceType({ type: 'queue', description: 'test queue', config: QueueResourceConfig, secrets: [], addressFields: ['url'], example: { url: 'q://h' } })
@Injectable()
class QueueConnectionTester implements ResourceConnectionTester {
  async test(): Promise<void> {}
}

@StepPlugin({ type: 'queue-send', description: 'test', config: QueueStepConfig, resource: QueueResourceConfig, resultSchema: {} })
@Injectable()
class QueueSendStep implements StepRunner<QueueStepConfig, { url: string }, QueueResourceConfig> {
  // Typed and present: no cast, no "needs a queue resource" check.
  async run(ctx: StepContext<QueueStepConfig, QueueResourceConfig>): Promise<{ url: string }> {
    return { url: ctx.resource.config.url };
  }
}

@StepPlugin({ type: 'orphan-send', description: 'test', config: QueueStepConfig, resource: UnregisteredResourceConfig, resultSchema: {} })
@Injectable()
class OrphanStep implements StepRunner<QueueStepConfig, Record<string, never>, UnregisteredResourceConfig> {
  async run(): Promise<Record<string, never>> {
    return {};
  }
}

function resourceTypes(): ResourceTypeRegistry {
  const registry = new ResourceTypeRegistry({ getProviders: () => [] } as unknown as DiscoveryService);
  registry.register(Reflect.getMetadata(ResourceType.KEY, QueueConnectionTester), new QueueConnectionTester());
  return registry;
}

describe('StepRegistry: the plugin → resource type link', () => {
  it('maps the resource config class a plugin declares to the registered type', () => {
    const registry = new StepRegistry({} as DiscoveryService, resourceTypes());
    registry.register(Reflect.getMetadata(StepPlugin.KEY, QueueSendStep), new QueueSendStep(), 'QueueSendStep');
    expect(registry.get('queue-send')?.resourceType).toBe('queue');
  });

  it('refuses a plugin whose resource class no resource type declares, naming the plugin and the class', () => {
    const registry = new StepRegistry({} as DiscoveryService, resourceTypes());
    expect(() => registry.register(Reflect.getMetadata(StepPlugin.KEY, OrphanStep), new OrphanStep(), 'OrphanStep')).toThrow(
      'Step plugin OrphanStep ("orphan-send") declares resource UnregisteredResourceConfig, but no resource type has that config class (registered: queue); provide its @ResourceType tester in the integration\'s module',
    );
    expect(registry.get('orphan-send')).toBeUndefined();
  });

  describe('at boot, with discovery', () => {
    async function boot(providers: Array<new (...args: never[]) => unknown>) {
      @Module({ imports: [DiscoveryModule], providers: [ResourceTypeRegistry, StepRegistry, ...providers] })
      class AppUnderTest {}
      const moduleRef = await Test.createTestingModule({ imports: [AppUnderTest] }).compile();
      return moduleRef.init();
    }

    it('links plugins and resource types provided by any module', async () => {
      const app = await boot([QueueConnectionTester, QueueSendStep]);
      expect(app.get(StepRegistry).get('queue-send')).toMatchObject({ resourceType: 'queue' });
      await app.close();
    });

    it('refuses to start when a plugin names a resource type that is not registered', async () => {
      await expect(boot([QueueConnectionTester, QueueSendStep, OrphanStep])).rejects.toThrow(/Step plugin OrphanStep \("orphan-send"\) declares resource UnregisteredResourceConfig/);
      // The tester's module missing is the same mistake: its type is not registered.
      await expect(boot([QueueSendStep])).rejects.toThrow(/declares resource QueueResourceConfig, but no resource type has that config class \(registered: none\)/);
    });
  });
});
