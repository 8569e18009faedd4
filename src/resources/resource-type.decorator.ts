import { DiscoveryService } from '@nestjs/core';
import type { ResourceTypeMetadata } from './resource-type';

/**
 * Marks a provider (the type's connection tester) as a resource type. The registry collects every
 * provider carrying it, so adding a type is one folder plus its line in RESOURCE_TYPES — no switch.
 */
export const ResourceType = DiscoveryService.createDecorator<ResourceTypeMetadata>();
