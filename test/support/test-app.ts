import { randomBytes } from 'node:crypto';
import type { INestApplication } from '@nestjs/common';
import Redis from 'ioredis';
import request from 'supertest';
import type { AppConfig } from '../../src/config/app-config';
import { loadConfig } from '../../src/config/load-config';
import { createApp } from '../../src/create-app';
import { createTestDatabase } from './test-database';
import { TEST_REDIS_URL } from './test-env';

export interface TestApp {
  app: INestApplication;
  config: AppConfig;
  /** Base URL of the listening server, e.g. http://127.0.0.1:41234 */
  url: string;
  http: ReturnType<typeof request>;
  close(): Promise<void>;
}

export interface TestAppOptions {
  env?: Record<string, string>;
  /** Reuse another app's database and Redis prefix (e.g. an API-only and a worker-only process). */
  shareWith?: TestApp;
  /** Run on this ready database (e.g. one owned by a non-superuser role) instead of a fresh one; the caller drops it. */
  databaseUrl?: string;
}

/**
 * Boots the real application (same createApp as production) on its own database and Redis prefix,
 * listening on a random loopback port.
 */
export async function startTestApp(label: string, options: TestAppOptions = {}): Promise<TestApp> {
  const database = options.shareWith || options.databaseUrl ? undefined : await createTestDatabase(label);
  const prefix = options.shareWith?.config.REDIS_PREFIX ?? `ats-e2e-${randomBytes(4).toString('hex')}`;
  const config = loadConfig({
    NODE_ENV: 'test',
    LOG_LEVEL: process.env.TEST_LOG_LEVEL ?? 'silent',
    REDIS_URL: TEST_REDIS_URL,
    // Every test signs in from 127.0.0.1: only the tests of the limiters themselves set a low budget.
    LOGIN_MAX_PER_IP: '100000',
    ...options.env,
    DATABASE_URL: options.shareWith?.config.DATABASE_URL ?? options.databaseUrl ?? database!.url,
    REDIS_PREFIX: prefix,
  });
  const app = await createApp(config);
  await app.listen(config.PORT === 3000 && !options.env?.PORT ? 0 : config.PORT, '127.0.0.1');
  const address = app.getHttpServer().address() as { port: number };
  const url = `http://127.0.0.1:${address.port}`;
  return {
    app,
    config,
    url,
    http: request(app.getHttpServer()),
    async close() {
      await app.close();
      if (database) await database.drop();
      if (!options.shareWith) await deleteRedisKeys(prefix);
    },
  };
}

async function deleteRedisKeys(prefix: string): Promise<void> {
  const redis = new Redis(TEST_REDIS_URL);
  try {
    let cursor = '0';
    do {
      const [next, keys] = await redis.scan(cursor, 'MATCH', `${prefix}:*`, 'COUNT', 1000);
      if (keys.length) await redis.del(...keys);
      cursor = next;
    } while (cursor !== '0');
  } finally {
    await redis.quit();
  }
}
