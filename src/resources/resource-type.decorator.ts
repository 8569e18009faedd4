import { DiscoveryService } from '@nestjs/core';
import type { ResourceTypeMetadata } from './resource-type';

/**
 * Marks a provider (the type's connection tester) as a resource type. The registry collects every
 * provider carrying it, wherever it is provided (an integration's module), so no list names the types.
 */
export const ResourceType = DiscoveryService.createDecorator<ResourceTypeMetadata>();
