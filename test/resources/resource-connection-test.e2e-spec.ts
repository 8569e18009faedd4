import { randomBytes } from 'node:crypto';
import * as net from 'node:net';
import { createConnection } from 'mysql2/promise';
import { closedPort } from '../support/closed-port';
import { json, startHttpTarget } from '../support/http-target';
import { startFakeLoki, type FakeLoki } from '../support/fake-loki-server';
import { ownerWithTeam, type TestUser } from '../support/identity-helpers';
import { startTestApp, type TestApp } from '../support/test-app';
import { adminQuery } from '../support/test-database';
import { TEST_KAFKA_BROKERS, TEST_MARIADB_URL, testPrometheusUrl } from '../support/test-env';
import { RecordingClient } from './resource-helpers';

interface TestResult {
  ok: boolean;
  latencyMs: number;
  error?: string;
  details?: Record<string, unknown>;
}

/** A TCP server that accepts connections and never says a word: what a hung service looks like. */
async function startBlackHole(): Promise<{ port: number; close(): Promise<void> }> {
  const sockets = new Set<net.Socket>();
  const server = net.createServer((socket) => {
    sockets.add(socket);
    socket.on('error', () => undefined);
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    port: (server.address() as net.AddressInfo).port,
    close: () => new Promise<void>((resolve) => {
      for (const socket of sockets) socket.destroy();
      server.close(() => resolve());
    }),
  };
}

/**
 * POST .../resources/:id/test and POST .../resources/test against the machine's real Postgres,
 * MariaDB, Redis, the Kafka broker, the fixture Prometheus, the Loki contract fake and local HTTP
 * servers. Every response body is kept and checked for the secrets at the end.
 */
describe('resource connection tests (real services)', () => {
  let t: TestApp;
  let user: TestUser;
  let teamId: string;
  let api: RecordingClient;
  let loki: FakeLoki;
  let blackHole: Awaited<ReturnType<typeof startBlackHole>>;
  let freePort: number;
  const bodies: string[] = [];
  const secrets: string[] = [];
  const mariaUser = `ats_res_${randomBytes(4).toString('hex')}`;
  const mariaPassword = `maria-${randomBytes(8).toString('hex')}`;
  const mariaRoot = new URL(TEST_MARIADB_URL);
  // The connection test refuses superusers: Postgres is tested with a plain login role.
  const pgUser = `ats_res_${randomBytes(4).toString('hex')}`;

  const saved = async (name: string, type: string, config: object): Promise<string> =>
    (await api.send('post', `/teams/${teamId}/resources`, { name, type, config }, 201)).body.id;
  const testSaved = async (id: string, query = ''): Promise<TestResult> => (await api.send('post', `/teams/${teamId}/resources/${id}/test${query}`, {}, 200)).body;
  const testUnsaved = async (body: object, query = ''): Promise<TestResult> => (await api.send('post', `/teams/${teamId}/resources/test${query}`, body, 200)).body;

  async function asMariaRoot<T>(fn: (c: Awaited<ReturnType<typeof createConnection>>) => Promise<T>): Promise<T> {
    const connection = await createConnection({ host: mariaRoot.hostname, port: Number(mariaRoot.port || 3306), user: mariaRoot.username || 'root', password: decodeURIComponent(mariaRoot.password) });
    try {
      return await fn(connection);
    } finally {
      await connection.end();
    }
  }

  beforeAll(async () => {
    // The shared Postgres and Redis are the systems under test here, and also this app's own stores.
    t = await startTestApp('resource-tests', { env: { EGRESS_ALLOW_CONTROL_PLANE: 'true' } });
    ({ user, teamId } = await ownerWithTeam(t, 'res-tester'));
    api = new RecordingClient(t, user, bodies);
    secrets.push(mariaPassword);
    await adminQuery(`CREATE ROLE ${pgUser} LOGIN`);
    await asMariaRoot(async (c) => {
      await c.query(`CREATE USER '${mariaUser}'@'%' IDENTIFIED BY '${mariaPassword}'`);
      await c.query(`GRANT SELECT ON test.* TO '${mariaUser}'@'%'`);
    });
    loki = await startFakeLoki({ bearerToken: 'loki-token-0123456789' });
    blackHole = await startBlackHole();
    freePort = await closedPort();
  });

  afterAll(async () => {
    await asMariaRoot((c) => c.query(`DROP USER IF EXISTS '${mariaUser}'@'%'`)).catch(() => undefined);
    await adminQuery(`DROP ROLE IF EXISTS ${pgUser}`).catch(() => undefined);
    await loki?.close();
    await blackHole?.close();
    await t?.close();
  });

  it('PostgreSQL: SELECT 1 succeeds; a missing database fails with the server message', async () => {
    const ok = await testSaved(await saved('pg', 'sql', { engine: 'postgres', host: '127.0.0.1', port: 5432, database: 'postgres', user: pgUser }));
    expect(ok).toMatchObject({ ok: true, details: { serverVersion: expect.any(String) } });
    expect(ok.latencyMs).toEqual(expect.any(Number));
    const missing = await testUnsaved({ type: 'sql', config: { engine: 'postgres', host: '127.0.0.1', database: 'no_such_db_ats', user: pgUser } });
    expect(missing).toMatchObject({ ok: false, error: 'database "no_such_db_ats" does not exist' });
  });

  it('MariaDB: a user with a password connects; the kept password still works after an update; wrong ones fail', async () => {
    const config = { engine: 'mysql', host: '127.0.0.1', port: 3306, database: 'test', user: mariaUser };
    const id = await saved('maria', 'sql', { ...config, password: mariaPassword });
    expect(await testSaved(id)).toMatchObject({ ok: true, details: { serverVersion: expect.stringContaining('MariaDB') } });

    // An update that omits the password keeps it: only the stored password can make this succeed.
    await api.send('patch', `/teams/${teamId}/resources/${id}`, { config: { ...config, poolSize: 2 } }, 200);
    expect(await testSaved(id)).toMatchObject({ ok: true });
    // Same for an unsaved edit of the resource, and without the resource the password is missing.
    expect(await testUnsaved({ type: 'sql', resourceId: id, config })).toMatchObject({ ok: true });
    const noPassword = await testUnsaved({ type: 'sql', config });
    expect(noPassword).toMatchObject({ ok: false, error: expect.stringMatching(new RegExp(`^Access denied for user '${mariaUser}'@'[^']+' \\(using password: NO\\)$`)) });

    const wrongRoot = await testUnsaved({ type: 'sql', config: { engine: 'mysql', host: '127.0.0.1', database: 'test', user: 'root', password: 'not-the-root-password' } });
    expect(wrongRoot.ok).toBe(false);
    expect(wrongRoot.error).toMatch(/^Access denied for user 'root'@'[^']+' \(using password: YES\)$/);
  });

  it('Redis: PING answers PONG; a closed port fails with the socket error', async () => {
    expect(await testSaved(await saved('redis', 'redis', { host: '127.0.0.1', port: 6379 }))).toMatchObject({ ok: true, details: { reply: 'PONG', serverVersion: expect.any(String) } });
    expect(await testUnsaved({ type: 'redis', config: { url: 'redis://127.0.0.1:6379/2' } })).toMatchObject({ ok: true });
    const closed = await testUnsaved({ type: 'redis', config: { host: '127.0.0.1', port: freePort } });
    expect(closed).toMatchObject({ ok: false, error: expect.stringContaining('ECONNREFUSED') });
  });

  it('Kafka: the admin client describes the real cluster; a closed port fails fast', async () => {
    const ok = await testSaved(await saved('kafka', 'kafka', { brokers: TEST_KAFKA_BROKERS, clientId: 'ats-resource-test' }));
    expect(ok).toMatchObject({ ok: true, details: { clusterId: expect.any(String), brokers: expect.arrayContaining([expect.stringMatching(/:\d+$/)]) } });
    const closed = await testUnsaved({ type: 'kafka', config: { brokers: [`127.0.0.1:${freePort}`] } });
    expect(closed).toMatchObject({ ok: false, error: expect.stringContaining('ECONNREFUSED') });
    expect(closed.latencyMs).toBeLessThan(5000);
  });

  it('Prometheus: GET /-/ready on the real server; a wrong path prefix reports the status', async () => {
    expect(await testSaved(await saved('prom', 'prometheus', { url: testPrometheusUrl() }))).toMatchObject({ ok: true, details: { status: 200 } });
    const wrong = await testUnsaved({ type: 'prometheus', config: { url: `${testPrometheusUrl()}/not-prometheus` } });
    expect(wrong).toMatchObject({ ok: false, error: expect.stringMatching(/^GET \/not-prometheus\/-\/ready answered 404/) });
  });

  it('Loki: GET /ready on the contract fake, with the tenant header and the bearer token', async () => {
    const token = 'loki-token-0123456789';
    secrets.push(token);
    const id = await saved('loki', 'loki', { url: loki.url, tenant: 'team-orders', auth: { type: 'bearer', token } });
    expect(await testSaved(id)).toMatchObject({ ok: true, details: { status: 200, body: 'ready' } });
    const ready = loki.requests.filter((r) => r.path === '/ready');
    expect(ready.at(-1)).toMatchObject({ tenant: 'team-orders', headers: expect.objectContaining({ authorization: `Bearer ${token}` }) });
  });

  it('HTTP: HEAD, then GET when HEAD is refused; credentials are sent; 401 and 5xx fail with the status', async () => {
    const token = `http-token-${randomBytes(6).toString('hex')}`;
    secrets.push(token);
    let status = 200;
    const target = await startHttpTarget({
      'HEAD /api': (_req, _body, res) => void res.writeHead(405).end(),
      'GET /api': (req, _body, res) => (req.headers.authorization === `Bearer ${token}` ? json(res, status, { ok: status < 500 }) : json(res, 401, { error: 'unauthorized' })),
    });
    try {
      const id = await saved('orders-api', 'http', { baseUrl: `${target.url}/api`, auth: { type: 'bearer', token } });
      expect(await testSaved(id)).toMatchObject({ ok: true, details: { method: 'GET', status: 200 } });
      expect(target.hits).toMatchObject({ 'HEAD /api': 1, 'GET /api': 1 });
      const wrongToken = await testUnsaved({ type: 'http', config: { baseUrl: `${target.url}/api`, auth: { type: 'bearer', token: 'wrong-token-value' } } });
      expect(wrongToken).toMatchObject({ ok: false, error: expect.stringMatching(/answered 401 Unauthorized: check the auth settings$/) });
      status = 503;
      expect(await testSaved(id)).toMatchObject({ ok: false, error: expect.stringContaining('answered 503') });
    } finally {
      await target.close();
    }
    const refused = await testUnsaved({ type: 'http', config: { baseUrl: `http://127.0.0.1:${freePort}` } });
    expect(refused).toMatchObject({ ok: false, error: expect.stringContaining('ECONNREFUSED') });
  });

  it('never hangs: a server that accepts and never answers is cut off at the time budget', async () => {
    const started = Date.now();
    const http = await testUnsaved({ type: 'http', config: { baseUrl: `http://127.0.0.1:${blackHole.port}` } }, '?timeoutMs=400');
    expect(http).toMatchObject({ ok: false });
    expect(http.latencyMs).toBeGreaterThanOrEqual(350);
    expect(http.latencyMs).toBeLessThan(1500);
    const pg = await testUnsaved({ type: 'sql', config: { engine: 'postgres', host: '127.0.0.1', port: blackHole.port, database: 'x', user: 'x' } }, '?timeoutMs=400');
    expect(pg).toMatchObject({ ok: false, error: expect.stringMatching(/time/i) });
    const redis = await testUnsaved({ type: 'redis', config: { host: '127.0.0.1', port: blackHole.port } }, '?timeoutMs=400');
    expect(redis).toMatchObject({ ok: false });
    expect(Date.now() - started).toBeLessThan(5000);
  });

  it('answers 404 for another team’s resource and 400 for an invalid config or budget', async () => {
    const { user: stranger, teamId: otherTeam } = await ownerWithTeam(t, 'res-stranger');
    const otherId = (await new RecordingClient(t, stranger, bodies).send('post', `/teams/${otherTeam}/resources`, { name: 'theirs', type: 'redis', config: { host: '127.0.0.1' } }, 201)).body.id;
    await api.send('post', `/teams/${teamId}/resources/${otherId}/test`, {}, 404);
    await api.send('post', `/teams/${teamId}/resources/test`, { type: 'redis', resourceId: otherId, config: { host: '127.0.0.1' } }, 404);
    const invalid = await api.send('post', `/teams/${teamId}/resources/test`, { type: 'kafka', config: { brokers: [] } }, 400);
    expect(invalid.body.details.problems).toEqual([{ field: 'config.brokers', message: expect.any(String) }]);
    await api.send('post', `/teams/${teamId}/resources/test?timeoutMs=5`, { type: 'redis', config: { host: '127.0.0.1' } }, 400);
  });

  it('never returned a secret in any response', () => {
    const leaks = bodies.filter((body) => secrets.some((value) => body.includes(value)));
    expect(leaks).toEqual([]);
  });
});
