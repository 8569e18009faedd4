import { randomBytes } from 'node:crypto';
import Redis from 'ioredis';
import request from 'supertest';
import { loadConfig } from '../../src/config/load-config';
import { runMigrations } from '../../src/database/run-migrations';
import type { TestApp } from '../../test/support/test-app';
import { createTestDatabase } from '../../test/support/test-database';
import { TEST_REDIS_URL } from '../../test/support/test-env';
import { type ServiceProcess, type StartServiceOptions, startService } from './processes';

/**
 * Benchmarks push one team far past the per-team defaults (5 runs at once, 600 runs a minute): those
 * protect tenants from each other, and a benchmark measures the engine, not the quota.
 */
// The benchmarks put one team far past the fair-share limits, and their 1,000-step flows keep the default
// 30 s step timeout (a worst case far above the default one-hour run budget): both are raised here.
const BENCH_TEAM_LIMITS = { TEAM_MAX_CONCURRENT_EXECUTIONS: '10000', TEAM_RUN_RATE_PER_MIN: '1000000', EXECUTION_MAX_DURATION_SEC: '604800' };

export interface StackEnv {
  DATABASE_URL: string;
  REDIS_URL: string;
  REDIS_PREFIX: string;
}

/**
 * The service as it is deployed, on a fresh database and Redis prefix: one `api` child process and
 * `worker` child processes, all running dist/src/main.js. `app` has the TestApp shape, so the
 * test/support helpers (ownerWithTeam, createFlow, runFlow, ...) work against the API child.
 */
export interface BenchStack {
  env: StackEnv;
  api: ServiceProcess;
  workers: ServiceProcess[];
  app: TestApp;
  startWorker(env?: Record<string, string>, options?: StartServiceOptions): Promise<ServiceProcess>;
  close(): Promise<void>;
}

export async function startStack(
  label: string,
  options: {
    apiEnv?: Record<string, string>;
    apiOptions?: StartServiceOptions;
    workerEnv?: Record<string, string>;
    workers?: number;
    workerOptions?: StartServiceOptions;
    redisUrl?: string;
  } = {},
): Promise<BenchStack> {
  const database = await createTestDatabase(`bench_${label}`);
  const env: StackEnv = {
    DATABASE_URL: database.url,
    REDIS_URL: options.redisUrl ?? TEST_REDIS_URL,
    REDIS_PREFIX: `ats-bench-${randomBytes(4).toString('hex')}`,
  };
  const config = loadConfig({ NODE_ENV: 'test', ...env });
  await runMigrations(config);
  if (process.env.BENCH_EXPERIMENT_SQL) {
    const { Client } = await import('pg');
    const c = new Client({ connectionString: env.DATABASE_URL });
    await c.connect();
    await c.query(process.env.BENCH_EXPERIMENT_SQL);
    await c.end();
  }
  const started: ServiceProcess[] = [];
  const cleanup = async () => {
    await Promise.all(started.map((p) => p.stop('SIGKILL').catch(() => undefined)));
    await database.drop().catch(() => undefined);
    await deleteRedisKeys(env.REDIS_URL, env.REDIS_PREFIX).catch(() => undefined);
  };
  try {
    const api = await startService('api', { ...env, ...BENCH_TEAM_LIMITS, ...options.apiEnv }, options.apiOptions);
    started.push(api);
    const startWorker = async (extra: Record<string, string> = {}, workerOptions: StartServiceOptions = options.workerOptions ?? {}) => {
      const worker = await startService('worker', { ...env, ...BENCH_TEAM_LIMITS, ...options.workerEnv, ...extra }, workerOptions);
      started.push(worker);
      return worker;
    };
    const workers: ServiceProcess[] = [];
    for (let i = 0; i < (options.workers ?? 1); i++) workers.push(await startWorker());
    const app: TestApp = { app: undefined as never, config, url: api.url, http: request(api.url), close: cleanup };
    return { env, api, workers, app, startWorker, close: cleanup };
  } catch (error) {
    await cleanup();
    throw error;
  }
}

export async function deleteRedisKeys(url: string, prefix: string): Promise<void> {
  const redis = new Redis(url, { lazyConnect: true, maxRetriesPerRequest: 1 });
  try {
    await redis.connect();
    let cursor = '0';
    do {
      const [next, keys] = await redis.scan(cursor, 'MATCH', `${prefix}:*`, 'COUNT', 1000);
      if (keys.length) await redis.del(...keys);
      cursor = next;
    } while (cursor !== '0');
  } finally {
    redis.disconnect();
  }
}
