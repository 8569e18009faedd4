import { Transform, Type } from 'class-transformer';
import { IsBoolean, IsIn, IsInt, IsOptional, IsString, Matches, Max, Min, MinLength } from 'class-validator';

export const APP_MODES = ['api', 'worker', 'all'] as const;
export type AppMode = (typeof APP_MODES)[number];

const toBool = ({ value }: { value: unknown }) =>
  typeof value === 'string' ? ['1', 'true', 'yes', 'on'].includes(value.toLowerCase()) : value;

/** Defaults that would be dangerous in production; bootstrap refuses them when NODE_ENV=production. */
export const DEV_JWT_SECRET = 'dev-only-jwt-secret-change-me-0123456789';
export const DEV_SECRETS_KEY = 'dev:ZGV2LW9ubHktc2VjcmV0cy1rZXktMzItYnl0ZXMhIQ==';

/**
 * Every setting of the service. Only the config module reads process.env; everything else injects
 * this class. Property names mirror the environment variable names so a validation error names the
 * variable a user has to fix.
 */
export class AppConfig {
  @IsIn(['development', 'production', 'test'])
  NODE_ENV: 'development' | 'production' | 'test' = 'development';

  @IsIn(APP_MODES)
  APP_MODE: AppMode = 'all';

  @Type(() => Number) @IsInt() @Min(0) @Max(65535)
  PORT = 3000;

  @Matches(/^postgres(ql)?:\/\//, { message: 'DATABASE_URL must be a postgres:// URL' })
  DATABASE_URL = 'postgres://postgres@127.0.0.1:5432/async_testing';

  @Transform(toBool) @IsBoolean()
  MIGRATIONS_RUN = true;

  @Type(() => Number) @IsInt() @Min(1) @Max(100)
  DATABASE_POOL_SIZE = 10;

  @Matches(/^rediss?:\/\//, { message: 'REDIS_URL must be a redis:// or rediss:// URL' })
  REDIS_URL = 'redis://127.0.0.1:6379';

  /** Prefix for every Redis key and channel of this deployment (queues, pub/sub, rate limits). */
  @Matches(/^[a-zA-Z0-9_-]{1,40}$/, { message: 'REDIS_PREFIX must be 1-40 characters of [a-zA-Z0-9_-]' })
  REDIS_PREFIX = 'ats';

  @Type(() => Number) @IsInt() @Min(1) @Max(500)
  WORKER_CONCURRENCY = 10;

  @IsIn(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'])
  LOG_LEVEL = 'info';

  @IsIn(['json', 'pretty'])
  LOG_FORMAT: 'json' | 'pretty' = 'json';

  @IsString() @MinLength(32, { message: 'JWT_SECRET must be at least 32 characters' })
  JWT_SECRET = DEV_JWT_SECRET;

  @Type(() => Number) @IsInt() @Min(30) @Max(86400)
  JWT_ACCESS_TTL_SEC = 900;

  @Type(() => Number) @IsInt() @Min(300)
  REFRESH_TTL_SEC = 30 * 86400;

  /** Comma-separated `keyId:base64(32 bytes)` pairs; the first is used to encrypt, all decrypt. */
  @Matches(/^[a-zA-Z0-9_-]+:[A-Za-z0-9+/=]{43,44}(,[a-zA-Z0-9_-]+:[A-Za-z0-9+/=]{43,44})*$/, {
    message: 'SECRETS_KEYS must be comma-separated keyId:base64(32 bytes) pairs',
  })
  SECRETS_KEYS = DEV_SECRETS_KEY;

  @Type(() => Number) @IsInt() @Min(1) @Max(1000)
  LOGIN_MAX_ATTEMPTS = 5;

  @Type(() => Number) @IsInt() @Min(1)
  LOGIN_WINDOW_SEC = 60;

  @Transform(toBool) @IsBoolean()
  SEED_DEMO = false;

  /** Password of the demo account created when SEED_DEMO=true (local runs only). */
  @IsString() @MinLength(10, { message: 'DEMO_PASSWORD must be at least 10 characters' })
  DEMO_PASSWORD = 'demo-password-123';

  @Type(() => Number) @IsInt() @Min(0)
  SHUTDOWN_TIMEOUT_MS = 15000;

  /** Environment variables a flow may read with `${env.NAME}`; nothing else of the environment leaks. */
  @IsOptional() @IsString()
  FLOW_ENV_ALLOWLIST = '';

  @Type(() => Number) @IsInt() @Min(1024)
  HTTP_STEP_MAX_RESPONSE_BYTES = 10 * 1024 * 1024;

  get isApi(): boolean {
    return this.APP_MODE !== 'worker';
  }

  get isWorker(): boolean {
    return this.APP_MODE !== 'api';
  }
}
