import { type INestApplication, RequestMethod } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { Logger } from 'nestjs-pino';
import { AppModule } from './app.module';
import type { AppConfig } from './config/app-config';
import { AllExceptionsFilter } from './common/errors/all-exceptions.filter';
import { verifyJsonDepth } from './common/http/json-depth';
import { setupSwagger } from './common/http/swagger';
import { createValidationPipe } from './common/http/validation.pipe';
import { runMigrations } from './database/run-migrations';
import { OPENAPI_IMPORT_ROUTE, openApiImportBodyParser } from './flows/import/openapi-body-parser';
import { checkRedisCredentials } from './redis/check-redis-credentials';
import { TRIGGER_HOOK_ROUTE, triggerHookBodyParser } from './triggers/hook-body-parser';
import { AtsMetrics } from './metrics/ats-metrics';
import { httpMetricsMiddleware } from './metrics/http-metrics.middleware';

export const API_PREFIX = 'api/v1';

/**
 * Builds the application for the configured mode. Used by main.ts and by the e2e tests, so tests run
 * exactly what production runs. Migrations run before init because worker processors start during init.
 */
export async function createApp(config: AppConfig, options: { bufferLogs?: boolean } = {}): Promise<INestApplication> {
  await checkRedisCredentials(config);
  if (config.MIGRATIONS_RUN) await runMigrations(config);

  const app = await NestFactory.create<NestExpressApplication>(AppModule.forRoot(config), {
    bufferLogs: options.bufferLogs ?? true,
    abortOnError: false,
  });
  app.useLogger(app.get(Logger));
  app.set('trust proxy', config.trustProxy);
  // No ETag on API answers: Express would hash every JSON body it sends (SHA-1, on every request,
  // writes included) for a conditional GET no client of this API makes — live views follow Socket.IO or
  // SSE. The web UI's files carry their own caching headers (web/spa-handler.ts).
  app.set('etag', false);
  // First of all middleware: it times every request, and reads the route Express matched when the response ends.
  app.use(httpMetricsMiddleware(app.get(AtsMetrics)));
  // Before the app-wide parsers: this route reads its (larger) body as text, and they skip a read body.
  app.use(`/${API_PREFIX}/${OPENAPI_IMPORT_ROUTE}`, openApiImportBodyParser());
  // The alert hook keeps its body as raw bytes: HMAC signatures are over exactly those bytes.
  app.use(`/${API_PREFIX}/${TRIGGER_HOOK_ROUTE}`, triggerHookBodyParser());
  // `verify` is body-parser's own option; Nest's narrower typing leaves it out but passes it through.
  app.useBodyParser('json', { limit: '2mb', verify: verifyJsonDepth } as Parameters<NestExpressApplication['useBodyParser']>[1]);
  app.useBodyParser('text', { type: ['application/yaml', 'text/yaml'], limit: '2mb' });
  app.setGlobalPrefix(API_PREFIX, {
    exclude: [
      { path: 'health/live', method: RequestMethod.GET },
      { path: 'health/ready', method: RequestMethod.GET },
      { path: 'metrics', method: RequestMethod.GET },
    ],
  });
  app.useGlobalPipes(createValidationPipe());
  app.useGlobalFilters(new AllExceptionsFilter());
  app.enableShutdownHooks();
  if (config.isApi) setupSwagger(app);
  await app.init();
  return app;
}
