import { Global, Module } from '@nestjs/common';
import { AtsMetrics } from './ats-metrics';
import { MetricsController } from './metrics.controller';
import { MetricsTokenGuard } from './metrics-token.guard';
import { QueueMetricsCollector } from './queue-metrics.collector';

/**
 * `/metrics` and the registry, in every mode. Global so the modules that count something (webhook
 * deliveries, the reconciler, the live gateways) inject AtsMetrics without importing this module.
 */
@Global()
@Module({
  controllers: [MetricsController],
  providers: [AtsMetrics, MetricsTokenGuard, QueueMetricsCollector],
  exports: [AtsMetrics],
})
export class MetricsModule {}
