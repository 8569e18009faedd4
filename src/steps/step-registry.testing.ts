import type { Type } from '@nestjs/common';
import type { DiscoveryService } from '@nestjs/core';
import type { ClientPool } from '../resources/client-pool';
import type { ResourceConnectionTester, ResourceTypeMetadata } from '../resources/resource-type';
import { ResourceType } from '../resources/resource-type.decorator';
import { ResourceTypeRegistry } from '../resources/resource-type-registry.service';
import type { StepClientPools } from './step-client-pools';
import type { AnyStepRunner, StepPluginMetadata } from './step-plugin';
import { StepPlugin } from './step-plugin.decorator';
import { StepRegistry } from './step-registry.service';

/**
 * For unit specs: a StepRegistry as the app builds it at boot, with the given @ResourceType testers'
 * types and the given plugins registered (their @StepPlugin metadata read from their classes), so a
 * plugin's `resource` class is linked to its type exactly as in the app.
 */
export function specStepRegistry(options: { resourceTypes?: Type[]; plugins: AnyStepRunner[] }): StepRegistry {
  const resourceTypes = new ResourceTypeRegistry({ getProviders: () => [] } as unknown as DiscoveryService);
  for (const tester of options.resourceTypes ?? []) {
    resourceTypes.register(Reflect.getMetadata(ResourceType.KEY, tester) as ResourceTypeMetadata, {} as ResourceConnectionTester);
  }
  const registry = new StepRegistry({} as DiscoveryService, resourceTypes);
  for (const plugin of options.plugins) {
    registry.register(Reflect.getMetadata(StepPlugin.KEY, plugin.constructor) as StepPluginMetadata, plugin);
  }
  return registry;
}

/** For plugins built in unit specs, whose pools are never used. */
export const unusedClientPools = { create: () => ({ closeAll: async () => undefined }) as unknown as ClientPool<never> } as unknown as StepClientPools;
