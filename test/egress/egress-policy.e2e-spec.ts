import { once } from 'node:events';
import net from 'node:net';
import { EgressService } from '../../src/egress/egress.service';
import { kafkaClientConfig } from '../../src/integrations/kafka/kafka-client-config';
import type { KafkaResourceConfig } from '../../src/integrations/kafka/kafka-resource-config.dto';
import { startFakeLoki, type FakeLoki } from '../support/fake-loki-server';
import { createFlow, noRetry, runFlow, waitForExecution } from '../support/flow-helpers';
import { runSuite } from '../suites/suite-helpers';
import { startHttpTarget } from '../support/http-target';
import { API, ownerWithTeam, type TestUser } from '../support/identity-helpers';
import { startTestApp, type TestApp } from '../support/test-app';
import { TEST_KAFKA_BROKERS, TEST_REDIS_URL } from '../support/test-env';

/**
 * A TCP relay in front of the shared Redis, used as the app's REDIS_URL: it is the service's own Redis
 * as the app sees it, and it records what every connection sent first, so a test can prove that a
 * refused HTTP request never reached it (the app's own traffic is RESP, never `GET … HTTP/1.1`).
 */
async function startRedisRelay(): Promise<{ port: number; firstBytes: string[]; close(): Promise<void> }> {
  const upstream = new URL(TEST_REDIS_URL);
  const firstBytes: string[] = [];
  const sockets = new Set<net.Socket>();
  const server = net.createServer((client) => {
    const backend = net.connect(Number(upstream.port || 6379), upstream.hostname);
    sockets.add(client).add(backend);
    client.once('data', (chunk: Buffer) => firstBytes.push(chunk.toString('latin1')));
    client.pipe(backend).pipe(client);
    const end = () => {
      client.destroy();
      backend.destroy();
    };
    client.on('error', end).on('close', end);
    backend.on('error', end).on('close', end);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    port: (server.address() as net.AddressInfo).port,
    firstBytes,
    close: async () => {
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

interface TestResult {
  ok: boolean;
  error?: string;
}

interface Team {
  t: TestApp;
  user: TestUser;
  teamId: string;
}

async function teamOn(t: TestApp, name: string): Promise<Team> {
  const { user, teamId } = await ownerWithTeam(t, name);
  return { t, user, teamId };
}

async function createResource(team: Team, name: string, type: string, config: object): Promise<string> {
  const res = await team.t.http.post(`${API}/teams/${team.teamId}/resources`).set(team.user.auth).send({ name, type, config });
  if (res.status !== 201) throw new Error(`create ${name}: ${res.status} ${res.text}`);
  return res.body.id;
}

async function testSaved(team: Team, id: string): Promise<TestResult> {
  return (await team.t.http.post(`${API}/teams/${team.teamId}/resources/${id}/test`).set(team.user.auth).send({}).expect(200)).body;
}

async function testUnsaved(team: Team, type: string, config: object): Promise<TestResult> {
  return (await team.t.http.post(`${API}/teams/${team.teamId}/resources/test`).set(team.user.auth).send({ type, config }).expect(200)).body;
}

/** Runs a one-step flow and returns that step's error (undefined when it succeeded). */
async function stepError(team: Team, step: Record<string, unknown>): Promise<string | undefined> {
  const flowId = await createFlow(team.t, team.user, team.teamId, { name: `egress-${Math.random().toString(36).slice(2)}`, steps: [noRetry({ name: 'only', ...step })] });
  const run = await runFlow(team.t, team.user, team.teamId, flowId);
  const done = await waitForExecution(team.t, team.user, team.teamId, run.id);
  return done.steps[0].status === 'SUCCESS' ? undefined : String(done.steps[0].error);
}

// Protection on (no EGRESS_ALLOW_CONTROL_PLANE): the control plane is this app's own database (the
// shared Postgres) and its own Redis (the relay in front of the shared Redis).
describe('egress policy: the control plane and metadata are out of tenants\' reach', () => {
  let t: TestApp;
  let team: Team;
  let relay: Awaited<ReturnType<typeof startRedisRelay>>;
  let target: Awaited<ReturnType<typeof startHttpTarget>>;
  let loki: FakeLoki;
  let pgPort: number;

  beforeAll(async () => {
    relay = await startRedisRelay();
    t = await startTestApp('egress', { env: { REDIS_URL: `redis://127.0.0.1:${relay.port}`, WEBHOOK_MAX_ATTEMPTS: '1' } });
    team = await teamOn(t, 'egress');
    pgPort = Number(new URL(t.config.DATABASE_URL).port || 5432);
    target = await startHttpTarget({
      'GET /hello': (_req, _body, res) => void res.writeHead(200, { 'content-type': 'text/plain' }).end('hi'),
      'GET /to-control-plane': (_req, _body, res) => void res.writeHead(302, { location: `http://127.0.0.1:${relay.port}/` }).end(),
      'GET /to-database-by-name': (_req, _body, res) => void res.writeHead(302, { location: `http://localhost:${pgPort}/` }).end(),
    });
    loki = await startFakeLoki({});
  });

  afterAll(async () => {
    await t?.close();
    await target?.close();
    await loki?.close();
    await relay?.close();
  });

  it('sql (postgres) at the service\'s own database address: 400 on save, refused by the connection test', async () => {
    const config = { engine: 'postgres', host: '127.0.0.1', port: pgPort, database: 'postgres', user: 'postgres' };
    const save = await t.http.post(`${API}/teams/${team.teamId}/resources`).set(team.user.auth).send({ name: 'own-db', type: 'sql', config }).expect(400);
    expect(save.body.details.problems).toEqual([{ field: 'config.host', message: expect.stringContaining(`egress refused: 127.0.0.1:${pgPort} is the service's own database`) }]);
    const tested = await testUnsaved(team, 'sql', config);
    expect(tested.ok).toBe(false);
    expect(tested.error).toContain(`egress refused: 127.0.0.1:${pgPort} is the service's own database (set EGRESS_ALLOW_CONTROL_PLANE=true`);
  });

  it('sql by host name `localhost` (pg and mysql2 drivers): connection test and step refused', async () => {
    const id = await createResource(team, 'own-db-by-name', 'sql', { engine: 'postgres', host: 'localhost', port: pgPort, database: 'postgres', user: 'postgres' });
    const tested = await testSaved(team, id);
    expect(tested.ok).toBe(false);
    expect(tested.error).toMatch(new RegExp(`egress refused: localhost → (127\\.0\\.0\\.1|\\[::1\\]):${pgPort} is the service's own database`));
    expect(await stepError(team, { type: 'sql', config: { resourceId: id, query: 'SELECT 1' } })).toMatch(/egress refused: localhost → .* is the service's own database/);

    const mysql = await testUnsaved(team, 'sql', { engine: 'mysql', host: 'localhost', port: pgPort, database: 'x', user: 'x' });
    expect(mysql.ok).toBe(false);
    expect(mysql.error).toMatch(/egress refused: localhost → .* is the service's own database/);

    // pg turns a host starting with "/" into a Unix socket path: the way to the local Postgres without TCP.
    const unix = await testUnsaved(team, 'sql', { engine: 'postgres', host: '/var/run/postgresql', port: pgPort, database: 'postgres', user: 'postgres' });
    expect(unix).toMatchObject({ ok: false, error: expect.stringContaining('egress refused: only TCP host:port connections are allowed') });
  });

  it('redis at the service\'s own Redis: 400 for the literal, connection test and step refused by name', async () => {
    const literal = await t.http
      .post(`${API}/teams/${team.teamId}/resources`)
      .set(team.user.auth)
      .send({ name: 'own-redis', type: 'redis', config: { url: `redis://127.0.0.1:${relay.port}` } })
      .expect(400);
    expect(literal.body.details.problems[0]).toEqual({ field: 'config.url', message: expect.stringContaining("is the service's own Redis") });
    const id = await createResource(team, 'own-redis-by-name', 'redis', { host: 'localhost', port: relay.port });
    const tested = await testSaved(team, id);
    expect(tested.ok).toBe(false);
    expect(tested.error).toMatch(new RegExp(`egress refused: localhost → .*:${relay.port} is the service's own Redis`));
    expect(await stepError(team, { type: 'redis', config: { resourceId: id, operation: 'get', key: 'anything' } })).toMatch(/egress refused: localhost → .* is the service's own Redis/);
  });

  it('http step: a redirect to the control plane is refused, and the control plane receives nothing', async () => {
    const seenBefore = relay.firstBytes.length;
    const error = await stepError(team, { type: 'http', config: { url: `${target.url}/to-control-plane` } });
    expect(error).toBe(`egress refused: 127.0.0.1:${relay.port} is the service's own Redis (set EGRESS_ALLOW_CONTROL_PLANE=true only for single-team local use)`);
    expect(target.hits['GET /to-control-plane']).toBe(1);
    expect(await stepError(team, { type: 'http', config: { url: `${target.url}/to-database-by-name` } })).toMatch(/egress refused: localhost → .* is the service's own database/);
    // Other spellings of the same server: IPv4-mapped IPv6, another loopback address, the wildcard.
    for (const url of [`http://[::ffff:127.0.0.1]:${relay.port}/`, `http://127.0.0.2:${relay.port}/`, `http://0.0.0.0:${pgPort}/`]) {
      expect(await stepError(team, { type: 'http', config: { url } })).toMatch(/^egress refused: .* is the service's own (Redis|database)/);
    }
    expect(relay.firstBytes.slice(seenBefore).filter((first) => first.includes('HTTP/1.1'))).toEqual([]);
    // Allowed traffic still flows.
    expect(await stepError(team, { type: 'http', config: { url: `${target.url}/hello` } })).toBeUndefined();
  });

  it('kafka: a broker list naming the control plane is refused; the real broker is reachable', async () => {
    const literal = await t.http
      .post(`${API}/teams/${team.teamId}/resources`)
      .set(team.user.auth)
      .send({ name: 'kafka-literal', type: 'kafka', config: { brokers: [TEST_KAFKA_BROKERS[0], `127.0.0.1:${relay.port}`] } })
      .expect(400);
    expect(literal.body.details.problems).toEqual([{ field: 'config.brokers.1', message: expect.stringContaining("is the service's own Redis") }]);

    const mixed = await createResource(team, 'kafka-mixed', 'kafka', { brokers: [`localhost:${relay.port}`, ...TEST_KAFKA_BROKERS], clientId: 'ats-egress' });
    const tested = await testSaved(team, mixed);
    expect(tested.ok).toBe(false);
    expect(tested.error).toMatch(/egress refused: localhost → .* is the service's own Redis/);
    const publish = await stepError(team, { type: 'kafka-publish', config: { resourceId: mixed, topic: 'ats-egress-never', messages: [{ value: 'x' }] } });
    expect(publish).toMatch(/egress refused: localhost → .* is the service's own Redis/);

    // Allowed: the real broker, and the brokers its metadata names, pass the same gate.
    const real = await createResource(team, 'kafka-real', 'kafka', { brokers: TEST_KAFKA_BROKERS, clientId: 'ats-egress' });
    expect(await testSaved(team, real)).toMatchObject({ ok: true });
  });

  it('kafka: brokers learned from cluster metadata go through the same gate (the socket factory kafkajs uses for every broker)', async () => {
    const seenBefore = relay.firstBytes.length;
    const options = await kafkaClientConfig({ brokers: TEST_KAFKA_BROKERS } as KafkaResourceConfig, t.app.get(EgressService));
    // What kafkajs does with a broker address from a metadata response: ask the factory for a socket.
    const socket = options.socketFactory!({ host: '127.0.0.1', port: relay.port, ssl: undefined as never, onConnect: () => undefined });
    const [error] = (await once(socket, 'error')) as [Error];
    expect(error.message).toBe(`egress refused: 127.0.0.1:${relay.port} is the service's own Redis (set EGRESS_ALLOW_CONTROL_PLANE=true only for single-team local use)`);
    const byName = options.socketFactory!({ host: 'localhost', port: pgPort, ssl: undefined as never, onConnect: () => undefined });
    expect(((await once(byName, 'error')) as [Error])[0].message).toMatch(/egress refused: localhost → .* is the service's own database/);
    expect(relay.firstBytes.length).toBe(seenBefore);
  });

  it('loki and prometheus resources pointing at the control plane are refused; a real Loki is reachable', async () => {
    const loki1 = await createResource(team, 'loki-own-db', 'loki', { url: `http://localhost:${pgPort}` });
    const lokiTest = await testSaved(team, loki1);
    expect(lokiTest.ok).toBe(false);
    expect(lokiTest.error).toMatch(/egress refused: localhost → .* is the service's own database/);
    expect(await stepError(team, { type: 'loki', config: { resourceId: loki1, labels: { app: 'x' }, relative: 'flow' } })).toMatch(
      /egress refused: localhost → .* is the service's own database/,
    );
    await t.http
      .post(`${API}/teams/${team.teamId}/resources`)
      .set(team.user.auth)
      .send({ name: 'prom-literal', type: 'prometheus', config: { url: `http://127.0.0.1:${relay.port}` } })
      .expect(400);
    const prometheus = await testUnsaved(team, 'prometheus', { url: `http://localhost:${relay.port}` });
    expect(prometheus.ok).toBe(false);
    expect(prometheus.error).toMatch(/egress refused: localhost → .* is the service's own Redis/);
    expect(await testUnsaved(team, 'loki', { url: loki.url })).toMatchObject({ ok: true });
  });

  it('webhooks and http resources naming a metadata address are a 400 naming the field', async () => {
    const flowId = await createFlow(t, team.user, team.teamId, { name: 'egress-suite-flow', steps: [{ name: 'wait', type: 'delay', config: { delayMs: 1 } }] });
    const suite = await t.http.post(`${API}/teams/${team.teamId}/suites`).set(team.user.auth).send({ name: 'egress-suite', entries: [{ flowId }] });
    expect(suite.status).toBe(201);
    const hook = await t.http
      .post(`${API}/teams/${team.teamId}/suites/${suite.body.id}/webhooks`)
      .set(team.user.auth)
      .send({ name: 'metadata', url: 'http://169.254.169.254/latest/meta-data/', secret: 'whsec-0123456789abcdef' })
      .expect(400);
    expect(hook.body.details.problems).toEqual([{ field: 'url', message: expect.stringContaining('egress refused: 169.254.169.254:80 is a cloud metadata address') }]);
    const http = await t.http
      .post(`${API}/teams/${team.teamId}/resources`)
      .set(team.user.auth)
      .send({ name: 'metadata-http', type: 'http', config: { baseUrl: 'http://[fd00:ec2::254]/' } })
      .expect(400);
    expect(http.body.details.problems).toEqual([{ field: 'config.baseUrl', message: expect.stringContaining('[fd00:ec2::254]:80 is a cloud metadata address') }]);
  });

  it('webhook delivery to a host name that resolves to the control plane is refused and recorded', async () => {
    const seenBefore = relay.firstBytes.length;
    const flowId = await createFlow(t, team.user, team.teamId, { name: 'egress-hook-flow', steps: [{ name: 'wait', type: 'delay', config: { delayMs: 1 } }] });
    const suite = (await t.http.post(`${API}/teams/${team.teamId}/suites`).set(team.user.auth).send({ name: 'egress-hook', entries: [{ flowId }] }).expect(201)).body;
    const hooks = `${API}/teams/${team.teamId}/suites/${suite.id}/webhooks`;
    const hook = (await t.http.post(hooks).set(team.user.auth).send({ name: 'own-redis', url: `http://localhost:${relay.port}/`, secret: 'whsec-0123456789abcdef' }).expect(201)).body;
    await runSuite(t, team.user, team.teamId, suite.id);
    const deadline = Date.now() + 20_000;
    let deliveries: Array<{ outcome: string; error: string | null }> = [];
    while (deliveries.length === 0 && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 100));
      deliveries = (await t.http.get(`${hooks}/${hook.id}/deliveries`).set(team.user.auth).expect(200)).body.items;
    }
    expect(deliveries).toEqual([expect.objectContaining({ outcome: 'failed', error: expect.stringMatching(/egress refused: localhost → .* is the service's own Redis/) })]);
    expect(relay.firstBytes.slice(seenBefore).filter((first) => first.includes('HTTP/1.1'))).toEqual([]);
  });
});

describe('egress policy: EGRESS_DEFAULT=deny-private and EGRESS_ALLOW', () => {
  let strict: Team;
  let allowed: Team;
  let target: Awaited<ReturnType<typeof startHttpTarget>>;

  beforeAll(async () => {
    target = await startHttpTarget({ 'GET /hello': (_req, _body, res) => void res.writeHead(200).end('hi') });
    strict = await teamOn(await startTestApp('egress_strict', { env: { EGRESS_DEFAULT: 'deny-private' } }), 'strict');
    const port = new URL(target.url).port;
    allowed = await teamOn(
      await startTestApp('egress_allowed', { env: { EGRESS_DEFAULT: 'deny-private', EGRESS_ALLOW: `127.0.0.1:${port},169.254.0.0/16` } }),
      'allowed',
    );
  });

  afterAll(async () => {
    await strict?.t.close();
    await allowed?.t.close();
    await target?.close();
  });

  it('refuses a loopback target under deny-private, naming the setting to change', async () => {
    const port = new URL(target.url).port;
    expect(await stepError(strict, { type: 'http', config: { url: `${target.url}/hello` } })).toBe(
      `egress refused: 127.0.0.1:${port} is a loopback address (EGRESS_DEFAULT=deny-private); add it to EGRESS_ALLOW to permit`,
    );
    expect(target.hits['GET /hello']).toBeUndefined();
  });

  it('lets it through once EGRESS_ALLOW lists it; metadata stays refused even inside an allowed range', async () => {
    expect(await stepError(allowed, { type: 'http', config: { url: `${target.url}/hello` } })).toBeUndefined();
    expect(target.hits['GET /hello']).toBe(1);
    // Refused before any packet: the check runs on the literal address, before a socket exists.
    expect(await stepError(allowed, { type: 'http', config: { url: 'http://169.254.169.254/latest/meta-data/' } })).toBe(
      'egress refused: 169.254.169.254:80 is a cloud metadata address (set EGRESS_ALLOW_CONTROL_PLANE=true only for single-team local use)',
    );
    // A private address outside the list stays refused (only named here: the refusal comes before any packet).
    const other = await testUnsaved(allowed, 'http', { baseUrl: 'http://10.0.0.5/' });
    expect(other.ok).toBe(false);
    expect(other.error).toContain('egress refused: 10.0.0.5:80 is a private address (EGRESS_DEFAULT=deny-private); add it to EGRESS_ALLOW to permit');
  });
});
