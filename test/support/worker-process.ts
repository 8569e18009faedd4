import { type ChildProcess, spawn } from 'node:child_process';
import path from 'node:path';
import type { TestApp } from './test-app';

const MAIN = path.resolve(__dirname, '../../dist/src/main.js');

/**
 * A real worker process — the built app (`npm run build` first) in worker mode — on the test app's
 * database and Redis prefix, with a short job lock so stalled jobs are handed over quickly.
 */
export function startWorkerProcess(t: TestApp, env: Record<string, string> = {}): ChildProcess {
  return spawn(process.execPath, [MAIN], {
    env: {
      ...process.env,
      APP_MODE: 'worker',
      NODE_ENV: 'test',
      PORT: '0',
      MIGRATIONS_RUN: 'false',
      DATABASE_URL: t.config.DATABASE_URL,
      REDIS_URL: t.config.REDIS_URL,
      REDIS_PREFIX: t.config.REDIS_PREFIX,
      JOB_LOCK_MS: '2000',
      LOG_LEVEL: 'warn',
      ...env,
    },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
}
