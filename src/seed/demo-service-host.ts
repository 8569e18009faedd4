import { Injectable, Logger, type OnApplicationShutdown, type OnModuleInit } from '@nestjs/common';
import { startDemoService, type RunningDemoService } from '../../examples/demo-service/demo-service';
import { listeningUrl } from '../common/http/listening-url';
import { AppConfig } from '../config/app-config';

/**
 * Runs the demo orders API (examples/demo-service) inside the app process when SEED_DEMO=true, so
 * the first run has a system to test with nothing else installed. API modes only (SeedModule is an
 * API module), never in production. It starts during module init, before DemoSeedService seeds the
 * flows and the read-only role that need its table.
 */
@Injectable()
export class DemoServiceHost implements OnModuleInit, OnApplicationShutdown {
  private readonly logger = new Logger('DemoService');
  private running?: RunningDemoService;

  constructor(private readonly config: AppConfig) {}

  get enabled(): boolean {
    return this.config.SEED_DEMO && this.config.NODE_ENV !== 'production';
  }

  /** The port it listens on (DEMO_PORT, or the one picked for DEMO_PORT=0); undefined when not running. */
  get port(): number | undefined {
    return this.running?.address.port;
  }

  async onModuleInit(): Promise<void> {
    if (!this.enabled) return;
    const silent = this.config.LOG_LEVEL === 'silent';
    const starting = startDemoService({
      port: this.config.DEMO_PORT,
      host: this.config.HOST,
      databaseUrl: this.config.DATABASE_URL,
      redisUrl: this.config.REDIS_URL,
      kafkaBrokers: this.config.demoKafkaBrokers,
      // Its JSON lines go to stdout beside the service's own logs (docker compose ships them to Loki).
      log: silent ? () => undefined : (line) => process.stdout.write(`${line}\n`),
    });
    // A start error names the setting to change: a taken DEMO_PORT, an unreachable DEMO_KAFKA_BROKERS.
    this.running = await starting.catch((error: Error) => {
      throw new Error(
        `The demo service (SEED_DEMO=true) could not start on ${this.config.HOST}:${this.config.DEMO_PORT} (HOST, DEMO_PORT)` +
          `${this.config.DEMO_KAFKA_BROKERS ? ` with Kafka at ${this.config.DEMO_KAFKA_BROKERS} (DEMO_KAFKA_BROKERS)` : ''}: ${error.message}`,
      );
    });
    this.logger.log(`Demo orders API listening on ${listeningUrl(this.running.address)}`);
  }

  async onApplicationShutdown(): Promise<void> {
    await this.running?.close();
    this.running = undefined;
  }
}
