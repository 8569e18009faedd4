import { type DynamicModule, Module, type ModuleMetadata } from '@nestjs/common';
import type { AppConfig } from './config/app-config';
import { ConfigModule } from './config/config.module';
import { DatabaseModule } from './database/database.module';
import { EgressModule } from './egress/egress.module';
import { OutboundHttpModule } from './outbound-http/outbound-http.module';
import { EngineModule } from './engine/engine.module';
import { ExecutionsApiModule } from './executions/executions-api.module';
import { FlowsApiModule } from './flows/flows-api.module';
import { HealthModule } from './health/health.module';
import { IdentityApiModule } from './identity/identity-api.module';
import { LoggingModule } from './common/logging/logging.module';
import { MetricsModule } from './metrics/metrics.module';
import { MetricsWorkerModule } from './metrics/metrics-worker.module';
import { QueueModule } from './queue/queue.module';
import { RedisModule } from './redis/redis.module';
import { ResourcesApiModule } from './resources/resources-api.module';
import { RetentionWorkerModule } from './retention/retention-worker.module';
import { SeedModule } from './seed/seed.module';
import { StepsApiModule } from './steps/steps-api.module';
import { SuitesApiModule } from './suites/suites-api.module';
import { SuitesWorkerModule } from './suites/suites-worker.module';
import { TriggersApiModule } from './triggers/triggers-api.module';
import { WebModule } from './web/web.module';

type Imports = NonNullable<ModuleMetadata['imports']>;

/** Modules that serve the HTTP API, Swagger, Socket.IO and the web UI (modes `api` and `all`). */
const API_MODULES: Imports = [
  IdentityApiModule,
  ResourcesApiModule,
  StepsApiModule,
  FlowsApiModule,
  ExecutionsApiModule,
  SuitesApiModule,
  TriggersApiModule,
  SeedModule,
  WebModule,
];

/** Modules that register queue processors (modes `worker` and `all`); never loaded into an API-only process. */
const WORKER_MODULES: Imports = [EngineModule, SuitesWorkerModule, RetentionWorkerModule, MetricsWorkerModule];

/**
 * One build, three roles: APP_MODE decides which modules are loaded. Infrastructure (config, logging,
 * database, Redis, queue registration, health, metrics, the egress gate and its HTTP client) is present in every mode.
 */
@Module({})
export class AppModule {
  static forRoot(config: AppConfig): DynamicModule {
    return {
      module: AppModule,
      imports: [
        ConfigModule.forRoot(config),
        LoggingModule,
        DatabaseModule,
        RedisModule,
        QueueModule,
        HealthModule,
        MetricsModule,
        EgressModule,
        OutboundHttpModule,
        ...(config.isApi ? API_MODULES : []),
        ...(config.isWorker ? WORKER_MODULES : []),
      ],
    };
  }
}
