import { Transform, Type } from 'class-transformer';
import { IsBoolean, IsIn, IsInt, IsOptional, IsString, Matches, Max, Min, MinLength } from 'class-validator';
import { EGRESS_DEFAULTS, type EgressDefault } from '../egress/egress-policy';

export const APP_MODES = ['api', 'worker', 'all'] as const;
export type AppMode = (typeof APP_MODES)[number];

const toBool = ({ value }: { value: unknown }) =>
  typeof value === 'string' ? ['1', 'true', 'yes', 'on'].includes(value.toLowerCase()) : value;

/** Public development defaults; loadConfig accepts them only when NODE_ENV is set to development or test. */
export const DEV_JWT_SECRET = 'dev-only-jwt-secret-change-me-0123456789';
export const DEV_SECRETS_KEY = 'dev:ZGV2LW9ubHktc2VjcmV0cy1rZXktMzItYnl0ZXMhISE='; // 32 bytes: "dev-only-secrets-key-32-bytes!!!"

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

  /**
   * Address the HTTP server (and, with SEED_DEMO, the demo service) binds to. `0.0.0.0` (all IPv4
   * interfaces) suits containers behind a published port; `npm run quickstart` binds 127.0.0.1, since
   * its demo account has a well-known password.
   */
  @IsString() @Matches(/^[0-9a-zA-Z.:_-]{1,255}$/, { message: 'HOST must be an IP address or a host name, e.g. 0.0.0.0 or 127.0.0.1' })
  HOST = '0.0.0.0';

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

  /**
   * Pacing of a running execution's write-behind progress (ProgressLane): while steps finish faster
   * than this, their transitions are stored and published together at most once per interval; a
   * run whose last write is older than this writes at once. 0 writes every batch as soon as the one
   * before it is stored.
   */
  @Type(() => Number) @IsInt() @Min(0) @Max(1000)
  PROGRESS_BATCH_INTERVAL_MS = 10;

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

  /** Login attempts, and separately registrations, per client IP per LOGIN_WINDOW_SEC (an office shares one IP). */
  @Type(() => Number) @IsInt() @Min(1) @Max(1000000)
  LOGIN_MAX_PER_IP = 20;

  /**
   * Calls of one inbound alert trigger's hook (POST /hooks/{id}) per minute, answered or not; beyond it
   * 429. Bounds what a leaked URL or a flapping alert can start, and slows secret guessing.
   */
  @Type(() => Number) @IsInt() @Min(1) @Max(100000)
  TRIGGER_HOOK_MAX_PER_MIN = 120;

  /**
   * Express `trust proxy`: which hops in front of the API may set X-Forwarded-For, so the login and
   * register limiters key on the real client IP behind a load balancer. `false` (default: the header is
   * ignored and cannot be spoofed), `true` (trust every hop), a hop count, or comma-separated
   * addresses/CIDRs/`loopback`/`linklocal`/`uniquelocal`.
   */
  @Matches(/^(true|false|\d{1,2}|[0-9a-zA-Z.:/\s,]+)$/, { message: 'TRUST_PROXY must be true, false, a hop count or comma-separated addresses/CIDRs' })
  TRUST_PROXY = 'false';

  @Transform(toBool) @IsBoolean()
  SEED_DEMO = false;

  /** Password of the demo account created when SEED_DEMO=true (local runs only). */
  @IsString() @MinLength(10, { message: 'DEMO_PASSWORD must be at least 10 characters' })
  DEMO_PASSWORD = 'demo-password-123';

  /**
   * Port of the demo orders API (examples/demo-service) that SEED_DEMO=true starts beside the HTTP API
   * (modes api/all, never in production); the seeded flows call it. 0 picks a free port.
   */
  @Type(() => Number) @IsInt() @Min(0) @Max(65535)
  DEMO_PORT = 3001;

  /**
   * Base URL of the demo service as the workers reach it, written into the seeded `demo-orders-api`
   * resource. Unset: http://127.0.0.1:<DEMO_PORT> (docker compose sets http://demo:3001).
   */
  @IsOptional() @Matches(/^https?:\/\/[^\s]+$/, { message: 'DEMO_BASE_URL must be an http(s):// URL' })
  DEMO_BASE_URL?: string = undefined;

  /**
   * Comma-separated Kafka brokers (`host:port`) the demo service publishes `orders.created` to, also
   * written into the seeded `demo-kafka` resource. Unset: the demo does not publish, and the seeded
   * resource points at 127.0.0.1:9092 (the Kafka flow then needs docker compose or a local broker).
   */
  @IsOptional() @Matches(/^[^\s,]+:\d{1,5}(,[^\s,]+:\d{1,5})*$/, { message: 'DEMO_KAFKA_BROKERS must be comma-separated host:port pairs' })
  DEMO_KAFKA_BROKERS?: string = undefined;

  /** Prometheus the seeded `demo-prometheus` resource points at (docker compose: http://prometheus:9090). */
  @Matches(/^https?:\/\/[^\s]+$/, { message: 'DEMO_PROMETHEUS_URL must be an http(s):// URL' })
  DEMO_PROMETHEUS_URL = 'http://127.0.0.1:9090';

  /** Loki the seeded `demo-loki` resource points at (docker compose: http://loki:3100). */
  @Matches(/^https?:\/\/[^\s]+$/, { message: 'DEMO_LOKI_URL must be an http(s):// URL' })
  DEMO_LOKI_URL = 'http://127.0.0.1:3100';

  @Type(() => Number) @IsInt() @Min(0)
  SHUTDOWN_TIMEOUT_MS = 15000;

  /** Environment variables a flow may read with `${env.NAME}`; nothing else of the environment leaks. */
  @IsOptional() @IsString()
  FLOW_ENV_ALLOWLIST = '';

  /**
   * Trace viewer (Jaeger, Tempo/Grafana) of the systems under test, with `{traceId}` where the run's W3C
   * trace id goes, e.g. https://jaeger.example/trace/{traceId}. Every execution's JSON then carries
   * `links.trace`. One per deployment rather than per resource: a run's trace crosses every service it
   * touched, and they report to one tracing backend.
   */
  @IsOptional() @Matches(/^https?:\/\/[^\s]*\{traceId\}[^\s]*$/, { message: 'TRACE_VIEWER_URL_TEMPLATE must be an http(s) URL containing {traceId}' })
  TRACE_VIEWER_URL_TEMPLATE?: string = undefined;

  /**
   * When set, GET /metrics (API and worker processes) requires `Authorization: Bearer <METRICS_TOKEN>`;
   * unset, it is open — fine where only Prometheus reaches the port, not where the API is public.
   */
  @IsOptional() @IsString() @MinLength(16, { message: 'METRICS_TOKEN must be at least 16 characters' })
  METRICS_TOKEN?: string = undefined;

  @Type(() => Number) @IsInt() @Min(1024)
  HTTP_STEP_MAX_RESPONSE_BYTES = 10 * 1024 * 1024;

  /** Time budget of a resource connection test (POST .../resources/:id/test) unless the request sets one. */
  @Type(() => Number) @IsInt() @Min(100) @Max(60000)
  RESOURCE_TEST_TIMEOUT_MS = 5000;

  /**
   * Lets SQL resources use privileged database accounts (Postgres superuser, CREATEROLE or the
   * pg_*_server_* roles; MySQL/MariaDB FILE, SUPER, ALL on *.* and the like). Off by default: such an
   * account reaches the database host (COPY … TO PROGRAM, INTO OUTFILE) whatever allowWrites says, so
   * the connection test and the sql step refuse it. Only for single-team deployments that own the database.
   */
  @Transform(toBool) @IsBoolean()
  SQL_ALLOW_PRIVILEGED = false;

  /** Upper bound on how long a worker may use a cached resource if a change notification was lost. */
  @Type(() => Number) @IsInt() @Min(1) @Max(86400)
  RESOURCE_CACHE_TTL_SEC = 300;

  /** Pooled clients of a resource (DB pools, Kafka producers) unused this long are closed. */
  @Type(() => Number) @IsInt() @Min(1) @Max(86400)
  RESOURCE_CLIENT_IDLE_SEC = 60;

  /** JOB lock (ms): a job whose worker stops renewing it for this long is handed to another worker. */
  @Type(() => Number) @IsInt() @Min(1000) @Max(600000)
  JOB_LOCK_MS = 30000;

  /** Delivery attempts of one suite webhook notification (first try included) before it is given up. */
  @Type(() => Number) @IsInt() @Min(1) @Max(20)
  WEBHOOK_MAX_ATTEMPTS = 5;

  /** Backoff before the 2nd webhook attempt, doubled for each further one (exponential). */
  @Type(() => Number) @IsInt() @Min(10) @Max(3600000)
  WEBHOOK_BACKOFF_MS = 5000;

  /** Time budget of one webhook HTTP request. */
  @Type(() => Number) @IsInt() @Min(100) @Max(120000)
  WEBHOOK_TIMEOUT_MS = 10000;

  /** How often workers re-check active suite runs (re-queue stragglers, finish runs, send missed notifications). */
  @Type(() => Number) @IsInt() @Min(1) @Max(3600)
  SUITE_RECONCILE_INTERVAL_SEC = 30;

  /** How often each worker looks for PENDING single runs whose queue job is missing (Redis lost it) and re-queues them. */
  @Type(() => Number) @IsInt() @Min(100) @Max(600000)
  EXECUTION_RECONCILE_INTERVAL_MS = 5000;

  /**
   * How often a worker stamps the executions it runs. One whose stamp is older than six intervals and
   * whose queue job is gone (Redis lost it while its worker died) is re-queued and resumed by the
   * execution reconciler.
   */
  @Type(() => Number) @IsInt() @Min(100) @Max(600000)
  EXECUTION_HEARTBEAT_INTERVAL_MS = 5000;

  /**
   * Where tenant-driven connections (steps, connection tests, webhooks) may go beyond the default:
   * comma-separated CIDRs (`10.20.0.0/16`) and `host[:port]` (`orders-db.internal:5432`, `[::1]:8080`).
   * Checked after DNS resolution; entries are validated at boot (loadConfig).
   */
  @IsString()
  EGRESS_ALLOW = '';

  /** Same syntax as EGRESS_ALLOW; refused even when EGRESS_ALLOW also lists them (deny wins). */
  @IsString()
  EGRESS_DENY = '';

  /**
   * `deny-private` refuses loopback, RFC 1918, CGNAT, link-local, unique-local and unspecified
   * addresses unless EGRESS_ALLOW lists them; `allow` lets them through. Unset: `deny-private` when
   * NODE_ENV=production, else `allow` (filled by loadConfig).
   */
  @IsOptional() @IsIn(EGRESS_DEFAULTS, { message: `EGRESS_DEFAULT must be one of: ${EGRESS_DEFAULTS.join(', ')}` })
  EGRESS_DEFAULT?: EgressDefault = undefined;

  /**
   * The service's own Postgres and Redis (DATABASE_URL, REDIS_URL) and cloud metadata addresses are
   * refused to tenants in every mode; `true` lifts that, for single-team local use only (a tenant could
   * then read other teams' data straight from the service's stores).
   */
  @Transform(toBool) @IsBoolean()
  EGRESS_ALLOW_CONTROL_PLANE = false;

  /**
   * Largest stored form of one step's request, response or assertions (bytes of JSON). The run itself
   * sees the whole result (assertions, `${step.response...}`); what is stored and streamed live is cut
   * to this, marked `truncated: true` with `originalBytes` (src/executions/progress/stored-result.ts).
   */
  @Type(() => Number) @IsInt() @Min(4096) @Max(256 * 1024 * 1024)
  STEP_RESULT_MAX_BYTES = 1024 * 1024;

  /** Total stored step results of one execution; once spent, later steps store only truncated stubs (executions.stored_bytes is an int: at most 1 GiB). */
  @Type(() => Number) @IsInt() @Min(4096) @Max(1024 * 1024 * 1024)
  EXECUTION_RESULT_MAX_BYTES = 10 * 1024 * 1024;

  /** Days finished executions, suite runs and webhook deliveries are kept; a team may override it (teams.execution_retention_days). */
  @Type(() => Number) @IsInt() @Min(1) @Max(36500)
  EXECUTION_RETENTION_DAYS = 30;

  /** Rows deleted per statement by the retention pass: each batch commits on its own, so no lock is held long. */
  @Type(() => Number) @IsInt() @Min(1) @Max(100000)
  RETENTION_BATCH_SIZE = 1000;

  /** Pause between two retention batches, leaving the database to the runs. */
  @Type(() => Number) @IsInt() @Min(0) @Max(60000)
  RETENTION_BATCH_PAUSE_MS = 100;

  /**
   * How often the retention pass runs (one BullMQ job scheduler shared by all workers, so once per
   * interval in total; a pass that outlasts the interval may overlap the next, which is harmless: the
   * deletes are idempotent).
   */
  @Type(() => Number) @IsInt() @Min(60) @Max(7 * 86400)
  RETENTION_INTERVAL_SEC = 3600;

  /**
   * Folder of the built web UI (`npm run build` writes web/dist), served at `/` by API processes.
   * Relative paths resolve against the working directory (the repository root, /app in the image).
   * A missing build only logs a warning: the API works without the UI.
   */
  @IsString() @MinLength(1)
  WEB_DIST_DIR = 'web/dist';

  /**
   * Executions one team may run at once, counted across every worker process; runs over it wait
   * (PENDING, with a reason) without holding a worker slot, so one team cannot delay another's runs.
   * An org owner/admin may set a team's own limit (PATCH /teams/{id}) up to the ceiling below.
   */
  @Type(() => Number) @IsInt() @Min(1) @Max(10000)
  TEAM_MAX_CONCURRENT_EXECUTIONS = 5;

  /** Highest per-team concurrency limit an org owner/admin may set on a team. */
  @Type(() => Number) @IsInt() @Min(1) @Max(10000)
  TEAM_MAX_CONCURRENT_EXECUTIONS_CEILING = 50;

  /**
   * Time budget of every execution (from its start; waiting for a team slot does not count). A run's
   * `parameters.timeoutMs` may lower it, never raise it; a flow whose worst case exceeds it is refused at save.
   */
  @Type(() => Number) @IsInt() @Min(1) @Max(7 * 86400)
  EXECUTION_MAX_DURATION_SEC = 3600;

  /** Shortest allowed gap between two fires of a suite schedule (a per-second cron is refused). */
  @Type(() => Number) @IsInt() @Min(1) @Max(86400)
  SCHEDULE_MIN_INTERVAL_SEC = 60;

  /** Flow runs plus suite runs one team may start per minute (fixed window in Redis); more answer 429. */
  @Type(() => Number) @IsInt() @Min(1) @Max(1_000_000)
  TEAM_RUN_RATE_PER_MIN = 600;

  /** Values of the FLOW_ENV_ALLOWLIST variables, captured at load time (filled by loadConfig). */
  flowEnvValues: Record<string, string> = {};

  /** The names in FLOW_ENV_ALLOWLIST (whether or not they are set in this process's environment). */
  flowEnvNames(): string[] {
    return this.FLOW_ENV_ALLOWLIST.split(',').map((name) => name.trim()).filter(Boolean);
  }

  flowEnv(name: string): string | undefined {
    return this.flowEnvValues[name];
  }

  /** TRUST_PROXY as Express's `trust proxy` setting takes it. */
  get trustProxy(): boolean | number | string {
    const value = this.TRUST_PROXY.trim();
    if (value === 'true' || value === 'false') return value === 'true';
    return /^\d+$/.test(value) ? Number(value) : value;
  }

  /** DEMO_KAFKA_BROKERS as a list (empty when unset). */
  get demoKafkaBrokers(): string[] {
    return (this.DEMO_KAFKA_BROKERS ?? '').split(',').map((broker) => broker.trim()).filter(Boolean);
  }

  get isApi(): boolean {
    return this.APP_MODE !== 'worker';
  }

  get isWorker(): boolean {
    return this.APP_MODE !== 'api';
  }
}
