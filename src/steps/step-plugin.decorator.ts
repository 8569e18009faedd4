import { DiscoveryService } from '@nestjs/core';
import type { StepPluginMetadata } from './step-plugin';

/**
 * Marks a provider as a step plugin. The registry finds every provider carrying it at boot; adding a
 * step type therefore needs no central list — one folder and its module import.
 */
export const StepPlugin = DiscoveryService.createDecorator<StepPluginMetadata>();
