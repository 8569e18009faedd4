import { randomBytes } from 'node:crypto';
import Redis from 'ioredis';
import { Client } from 'pg';
import { io, type Socket } from 'socket.io-client';
import { createFlow, noRetry, runFlow, waitForExecution } from '../support/flow-helpers';
import { API, ownerWithTeam, type TestUser } from '../support/identity-helpers';
import { startTestApp, type TestApp } from '../support/test-app';
import { adminQuery } from '../support/test-database';
import { TEST_PG_ADMIN_URL, TEST_REDIS_URL } from '../support/test-env';

/**
 * The service runs on its own stores with an ordinary account: a Redis ACL user given in REDIS_URL,
 * and a Postgres role that owns its database without being superuser.
 */
describe('own stores with least privilege', () => {
  const suffix = randomBytes(4).toString('hex');
  const redisUser = `ats_e2e_${suffix}`;
  const redisPassword = `pw-${randomBytes(6).toString('hex')}`;
  const pgRole = `ats_app_${suffix}`;
  const pgDatabase = `ats_e2e_owned_${suffix}`;
  let admin: Redis;
  let t: TestApp;
  let owner: { user: TestUser; teamId: string };
  let flowId: string;
  const sockets: Socket[] = [];

  const urlWith = (base: string, change: (url: URL) => void): string => {
    const url = new URL(base);
    change(url);
    return url.toString();
  };
  const redisUrl = (password: string) =>
    urlWith(TEST_REDIS_URL, (url) => {
      url.username = redisUser;
      url.password = password;
    });

  beforeAll(async () => {
    admin = new Redis(TEST_REDIS_URL);
    await admin.call('ACL', 'SETUSER', redisUser, 'on', `>${redisPassword}`, '~*', '&*', '+@all');
    await adminQuery(`CREATE ROLE "${pgRole}" LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE`);
    await adminQuery(`CREATE DATABASE "${pgDatabase}" OWNER "${pgRole}"`);
    t = await startTestApp('least-privilege', {
      env: { REDIS_URL: redisUrl(redisPassword) },
      databaseUrl: urlWith(TEST_PG_ADMIN_URL, (url) => {
        url.username = pgRole;
        url.password = '';
        url.pathname = `/${pgDatabase}`;
      }),
    });
    owner = await ownerWithTeam(t, 'stores');
    flowId = await createFlow(t, owner.user, owner.teamId, {
      name: 'two delays',
      steps: [1, 2].map((n) => noRetry({ name: `wait${n}`, type: 'delay', config: { delayMs: 300 } })),
    });
  });
  afterAll(async () => {
    sockets.forEach((s) => s.disconnect());
    await t?.close();
    await adminQuery(`DROP DATABASE IF EXISTS "${pgDatabase}" WITH (FORCE)`);
    await adminQuery(`DROP ROLE IF EXISTS "${pgRole}"`);
    await admin.call('ACL', 'DELUSER', redisUser);
    await admin.quit();
  });

  it('migrated the schema as a role that is not superuser, owning the tables', async () => {
    const client = new Client({ connectionString: urlWith(TEST_PG_ADMIN_URL, (url) => (url.pathname = `/${pgDatabase}`)) });
    await client.connect();
    try {
      const { rows: roles } = await client.query('SELECT rolsuper FROM pg_roles WHERE rolname = $1', [pgRole]);
      expect(roles).toEqual([{ rolsuper: false }]);
      const { rows: owners } = await client.query(`SELECT DISTINCT tableowner FROM pg_tables WHERE schemaname = 'public'`);
      expect(owners).toEqual([{ tableowner: pgRole }]);
    } finally {
      await client.end();
    }
  });

  it('connects to Redis as the ACL user everywhere: commands, queues, subscribers', async () => {
    const clients = String(await admin.call('CLIENT', 'LIST'))
      .split('\n')
      .filter((line) => line.includes(` user=${redisUser} `));
    const names = new Set(clients.map((line) => /\bname=(\S*)/.exec(line)?.[1] ?? ''));
    for (const name of ['ats-all-commands', 'ats-all-execution-cancel-sub', 'ats-all-updates-sub', 'ats-all-bullmq-worker']) {
      expect(names).toContain(name);
    }
    // BullMQ's own queue connections (no name of ours) authenticate as the same user.
    expect(clients.length).toBeGreaterThan(names.size);
  });

  it('runs a flow to completion, cancels another and streams one live', async () => {
    const socket = io(`${t.url}/executions`, { auth: { token: owner.user.accessToken }, transports: ['websocket'], reconnection: false });
    sockets.push(socket);
    await new Promise<void>((resolve, reject) => {
      socket.on('connect', () => resolve());
      socket.on('connect_error', reject);
    });
    const run = await runFlow(t, owner.user, owner.teamId, flowId);
    const finished = new Promise<any>((resolve) => {
      socket.on('snapshot', (data) => data.status === 'COMPLETED' && resolve(data));
      socket.on('update', (data) => data.updateType === 'EXECUTION_FINISHED' && resolve(data));
    });
    expect(await socket.emitWithAck('join', { executionId: run.id })).toEqual({ ok: true });
    const final = await finished;
    expect(final.executionStatus ?? final.status).toBe('COMPLETED');
    expect((await waitForExecution(t, owner.user, owner.teamId, run.id)).status).toBe('COMPLETED');

    const toCancel = await runFlow(t, owner.user, owner.teamId, flowId);
    await waitForExecution(t, owner.user, owner.teamId, toCancel.id, 10_000, (e) => e.status === 'IN_PROGRESS');
    await t.http.post(`${API}/teams/${owner.teamId}/executions/${toCancel.id}/cancel`).set(owner.user.auth).expect(200);
    expect((await waitForExecution(t, owner.user, owner.teamId, toCancel.id)).status).toBe('CANCELLED');
  });

  it('refuses to start when Redis refuses the password, saying so without showing it', async () => {
    const started = startTestApp('least-privilege-wrong', {
      env: { REDIS_URL: redisUrl('not-the-password') },
      databaseUrl: urlWith(TEST_PG_ADMIN_URL, (url) => (url.pathname = `/${pgDatabase}`)),
    });
    await expect(started).rejects.toThrow(/^Redis refused the credentials in REDIS_URL \(redis:\/\/ats_e2e_\w+:\*\*\*@.*\): WRONGPASS/);
    await started.catch((error: Error) => expect(error.message).not.toContain('not-the-password'));
  });
});
