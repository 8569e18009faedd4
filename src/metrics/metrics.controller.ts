import { Controller, Get, Header, UseGuards } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import { Public } from '../common/http/public.decorator';
import { AtsMetrics } from './ats-metrics';
import { MetricsTokenGuard } from './metrics-token.guard';

/**
 * Prometheus scrape endpoint, outside /api/v1 and in every mode (a worker serves it on its health port).
 * Not a user-facing API: left out of Swagger, and guarded by METRICS_TOKEN rather than user auth.
 */
@ApiExcludeController()
@Public()
@UseGuards(MetricsTokenGuard)
@Controller('metrics')
export class MetricsController {
  constructor(private readonly metrics: AtsMetrics) {}

  @Get()
  @Header('Content-Type', 'text/plain; version=0.0.4; charset=utf-8') // Prometheus text format 0.0.4 (Registry.contentType)
  @Header('Cache-Control', 'no-store')
  async scrape(): Promise<string> {
    return this.metrics.registry.metrics();
  }
}
