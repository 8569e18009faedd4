import { type ChildProcess, spawn } from 'node:child_process';
import Redis from 'ioredis';
import { Client } from 'pg';
import { type ServiceProcess, startService } from '../../bench/lib/processes';
import { closedPort } from '../support/closed-port';
import type { TestApp } from '../support/test-app';

export const TERMINAL = ['COMPLETED', 'FAILED', 'CANCELLED'];

/** A worker child process (dist/src/main.js, APP_MODE=worker) on the test app's database and Redis prefix. */
export function startWorkerFor(t: TestApp, env: Record<string, string> = {}): Promise<ServiceProcess> {
  return startService('worker', {
    DATABASE_URL: t.config.DATABASE_URL,
    REDIS_URL: t.config.REDIS_URL,
    REDIS_PREFIX: t.config.REDIS_PREFIX,
    LOG_LEVEL: 'error',
    // Drills put up to hundreds of one team's runs in flight at once; the per-team limit (default 5) is
    // covered by test/fair-share/ and would only serialise them here.
    TEAM_MAX_CONCURRENT_EXECUTIONS: '10000',
    ...env,
  });
}

/** A direct connection to the test app's database, to check rows the API does not show. */
export async function connectDb(t: TestApp): Promise<Client> {
  const db = new Client({ connectionString: t.config.DATABASE_URL });
  await db.connect();
  return db;
}

export async function waitUntil<T>(what: string, probe: () => Promise<T | undefined | false>, timeoutMs: number, everyMs = 100): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      const value = await probe();
      if (value) return value;
    } catch (error) {
      last = error;
    }
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}${last ? `: ${String(last)}` : ''}`);
    await new Promise((r) => setTimeout(r, everyMs));
  }
}

/** Execution counts by status. */
export async function statusCounts(db: Client, ids?: string[]): Promise<Record<string, number>> {
  const { rows } = ids
    ? await db.query(`SELECT status, count(*)::int AS n FROM executions WHERE id = ANY($1::uuid[]) GROUP BY status`, [ids])
    : await db.query(`SELECT status, count(*)::int AS n FROM executions GROUP BY status`);
  return Object.fromEntries(rows.map((r: { status: string; n: number }) => [r.status, r.n]));
}

export async function statusOf(db: Client, id: string): Promise<string> {
  return (await db.query(`SELECT status FROM executions WHERE id = $1`, [id])).rows[0]?.status;
}

/**
 * Rows that contradict their execution's status: a terminal execution with a step still PENDING or
 * IN_PROGRESS, a COMPLETED one with a step that did not succeed (without continueOnFailure there is
 * none here), or a terminal one without finished_at. Empty when every record is whole.
 */
export async function inconsistentExecutions(db: Client): Promise<Array<Record<string, unknown>>> {
  const { rows } = await db.query(`
    SELECT e.id, e.status, e.finished_at, array_agg(s.status ORDER BY s.step_index) AS steps
      FROM executions e JOIN execution_steps s ON s.execution_id = e.id
     GROUP BY e.id
    HAVING (e.status IN ('COMPLETED', 'FAILED', 'CANCELLED') AND (e.finished_at IS NULL OR bool_or(s.status IN ('PENDING', 'IN_PROGRESS'))))
        OR (e.status = 'COMPLETED' AND bool_or(s.status <> 'SUCCESS'))
        OR (e.status = 'PENDING' AND bool_or(s.status <> 'PENDING'))`);
  return rows;
}

/** A loopback port free right now, for a server a drill starts. */
export const freePort = closedPort;

/** A throw-away redis-server on its own port, no persistence: a restart loses every key. */
export class RedisServer {
  private child?: ChildProcess;

  constructor(readonly port: number) {}

  get url(): string {
    return `redis://127.0.0.1:${this.port}`;
  }

  async start(): Promise<void> {
    const child = spawn('redis-server', ['--port', String(this.port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'], { stdio: 'ignore' });
    this.child = child;
    const probe = new Redis(this.url, { lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => null });
    try {
      await waitUntil('redis-server to answer PING', async () => {
        if (child.exitCode !== null) throw new Error(`redis-server exited with ${child.exitCode}`);
        await probe.connect().catch(() => undefined);
        return (await probe.ping()) === 'PONG';
      }, 10_000, 50);
    } finally {
      probe.disconnect();
    }
  }

  /** SIGKILL: no goodbye to clients, nothing saved. */
  async kill(): Promise<void> {
    const child = this.child;
    if (!child || child.exitCode !== null || child.signalCode !== null) return;
    const exited = new Promise((resolve) => child.once('exit', resolve));
    child.kill('SIGKILL');
    await exited;
  }
}
