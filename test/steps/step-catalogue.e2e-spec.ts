import { randomBytes } from 'node:crypto';
import Ajv, { type ValidateFunction } from 'ajv';
import addFormats from 'ajv-formats';
import { Kafka, logLevel } from 'kafkajs';
import mysql from 'mysql2/promise';
import { Client } from 'pg';
import { connect as connectNats, type NatsConnection } from '@nats-io/transport-node';
import { jetstreamManager } from '@nats-io/jetstream';
import { WebSocketServer } from 'ws';
import { ORDERS_TOKEN, startOrdersServer, type OrdersServer } from '../integrations/fixtures/orders-grpc-server';
import { startFakeLoki, type FakeLoki } from '../support/fake-loki-server';
import { createFlow, runFlow, waitForExecution } from '../support/flow-helpers';
import { json, startHttpTarget } from '../support/http-target';
import { API, ownerWithTeam, type TestUser } from '../support/identity-helpers';
import { startTestApp, type TestApp } from '../support/test-app';
import { adminQuery, createTestDatabase } from '../support/test-database';
import { TEST_AMQP_URL, TEST_KAFKA_BROKERS, TEST_MQTT_URL, TEST_NATS_SERVER, TEST_MARIADB_URL, TEST_REDIS_URL, testPrometheusNowSec, testPrometheusUrl } from '../support/test-env';
import { buildFixture } from '../infra/prometheus/prometheus-fixture';

jest.setTimeout(90_000);

/**
 * The step catalogue a UI builds forms and completions from: every schema compiles as JSON Schema with
 * nothing dangling, and every plugin's REAL result (the stored step response of a run against the real
 * services) is valid against the resultSchema it advertises. A new step type must add a contract case.
 */
describe('step catalogue (GET /step-types) and plugin result contracts', () => {
  const run = randomBytes(4).toString('hex');
  const topic = `ats-contract-${run}`;
  const pgUser = `ats_contract_${run}`;
  const myUser = { user: `ats_contract_${run}`, password: `pw-${run}` };
  let t: TestApp;
  let user: TestUser;
  let teamId: string;
  let pgDatabase: Awaited<ReturnType<typeof createTestDatabase>>;
  let mariadb: mysql.Connection;
  let loki: FakeLoki;
  let target: Awaited<ReturnType<typeof startHttpTarget>>;
  let nats: NatsConnection;
  let wsServer: WebSocketServer;
  let grpcServer: OrdersServer;
  const natsStream = `ATS_CONTRACT_${run}`;
  let catalogue: Array<{ type: string; resourceType?: string; configSchema: Record<string, unknown>; resultSchema: Record<string, unknown>; lateFields?: string[] }>;
  const ids: Record<string, string> = {};

  /** Strict: unknown keywords, unresolvable $refs and malformed schemas fail compilation. */
  const newAjv = () => addFormats(new Ajv({ strict: true, allowUnionTypes: true, allErrors: true }));

  const createResource = async (name: string, type: string, config: object): Promise<string> =>
    (await t.http.post(`${API}/teams/${teamId}/resources`).set(user.auth).send({ name, type, config }).expect(201)).body.id;

  beforeAll(async () => {
    t = await startTestApp('step_catalogue', {
      // The contract runs the sql and redis steps against the machine's shared Postgres and Redis, which
      // also serve this app: here they are the system under test, so the control-plane refusal is lifted.
      env: { EGRESS_ALLOW_CONTROL_PLANE: 'true' },
    });
    ({ user, teamId } = await ownerWithTeam(t, 'catalogue'));
    catalogue = (await t.http.get(`${API}/step-types`).set(user.auth).expect(200)).body;

    // Postgres and MariaDB with non-privileged accounts (privileged ones are refused by the sql step).
    pgDatabase = await createTestDatabase('contract_pg');
    const pg = new Client({ connectionString: pgDatabase.url });
    await pg.connect();
    await pg.query('CREATE TABLE items (id int PRIMARY KEY, name text NOT NULL)');
    await pg.query("INSERT INTO items VALUES (1, 'one')");
    await pg.query(`CREATE ROLE ${pgUser} LOGIN`);
    await pg.query(`GRANT SELECT ON items TO ${pgUser}`);
    await pg.end();
    const my = new URL(TEST_MARIADB_URL);
    mariadb = await mysql.createConnection({ host: my.hostname, port: Number(my.port || 3306), user: decodeURIComponent(my.username || 'root'), database: my.pathname.slice(1) });
    await mariadb.query(`CREATE USER '${myUser.user}'@'%' IDENTIFIED BY '${myUser.password}'`);
    await mariadb.query(`GRANT SELECT ON \`${my.pathname.slice(1)}\`.* TO '${myUser.user}'@'%'`);

    loki = await startFakeLoki();
    loki.push({ app: 'contract' }, [{ line: `contract line ${run}` }]);
    target = await startHttpTarget({
      'POST /echo': (_req, body, res) => json(res, 201, { echoed: JSON.parse(body) }),
      'POST /graphql': (_req, _body, res) => json(res, 200, { data: { ping: 'pong' } }),
    });
    // NATS: a stream for the JetStream cases and a responder for nats-request.
    nats = await connectNats({ servers: TEST_NATS_SERVER });
    await (await jetstreamManager(nats)).streams.add({ name: natsStream, subjects: [`ats.contract.${run}.js.>`] });
    nats.subscribe(`ats.contract.${run}.quote`, { callback: (_error, message) => void message.respond('{"ok":true}') });
    // WebSocket: answers "ping" with "pong".
    wsServer = new WebSocketServer({ host: '127.0.0.1', port: 0 });
    wsServer.on('connection', (socket) => socket.on('message', (data) => data.toString() === 'ping' && socket.send('pong')));
    await new Promise((resolve) => wsServer.once('listening', resolve));

    const pgUrl = new URL(pgDatabase.url);
    ids.pg = await createResource('pg', 'sql', { engine: 'postgres', host: pgUrl.hostname, port: Number(pgUrl.port || 5432), database: pgDatabase.name, user: pgUser });
    ids.mariadb = await createResource('mariadb', 'sql', { engine: 'mysql', host: my.hostname, port: Number(my.port || 3306), database: my.pathname.slice(1), ...myUser });
    ids.redis = await createResource('redis', 'redis', { url: TEST_REDIS_URL });
    ids.kafka = await createResource('kafka', 'kafka', { brokers: TEST_KAFKA_BROKERS });
    ids.loki = await createResource('loki', 'loki', { url: loki.url });
    ids.prometheus = await createResource('prometheus', 'prometheus', { url: testPrometheusUrl() });
    ids.amqp = await createResource('amqp', 'amqp', { url: TEST_AMQP_URL });
    ids.mqtt = await createResource('mqtt', 'mqtt', { url: TEST_MQTT_URL });
    ids.nats = await createResource('nats', 'nats', { servers: [TEST_NATS_SERVER] });
    grpcServer = await startOrdersServer();
    ids.grpc = await createResource('grpc', 'grpc', { address: grpcServer.address, reflection: true, metadata: { authorization: ORDERS_TOKEN } });
    ids.websocket = await createResource('websocket', 'websocket', { url: `ws://127.0.0.1:${(wsServer.address() as { port: number }).port}` });
    // The `flow` step's contract: a small child flow with an output.
    ids.childFlow = await createFlow(t, user, teamId, { name: 'contract child', steps: [{ name: 'wait', type: 'delay', config: { delayMs: 1 } }], outputs: { waited: '${wait.response.delayedMs}' } });
  });

  afterAll(async () => {
    await t?.close();
    await target?.close();
    await loki?.close();
    if (nats) {
      await (await jetstreamManager(nats)).streams.delete(natsStream).catch(() => undefined);
      await nats.close();
    }
    await new Promise((resolve) => (wsServer ? wsServer.close(resolve) : resolve(undefined)));
    await grpcServer?.close();
    await pgDatabase?.drop();
    await adminQuery(`DROP ROLE IF EXISTS ${pgUser}`).catch(() => undefined);
    await mariadb?.query(`DROP USER IF EXISTS '${myUser.user}'@'%'`).catch(() => undefined);
    await mariadb?.end();
    const admin = new Kafka({ brokers: TEST_KAFKA_BROKERS, logLevel: logLevel.NOTHING }).admin();
    await admin.connect();
    await admin.deleteTopics({ topics: [topic] }).catch(() => undefined);
    await admin.disconnect();
  });

  /** Steps that exercise each type for real; a type may have several (both SQL engines). */
  const contractCases = (): Record<string, Array<Record<string, unknown>>> => {
    const window = buildFixture(testPrometheusNowSec()).windows.A;
    return {
      delay: [{ name: 'delay', type: 'delay', config: { delayMs: 10 } }],
      flow: [{ name: 'child', type: 'flow', config: { flowId: ids.childFlow, variables: {} } }],
      http: [{ name: 'http', type: 'http', config: { url: `${target.url}/echo`, method: 'POST', body: { a: 1 } } }],
      sql: [
        { name: 'sqlPostgres', type: 'sql', config: { resourceId: ids.pg, query: 'SELECT id, name FROM items' } },
        { name: 'sqlMariadb', type: 'sql', config: { resourceId: ids.mariadb, query: 'SELECT 1 AS one, NOW() AS at' } },
      ],
      redis: [
        { name: 'redisSet', type: 'redis', config: { resourceId: ids.redis, operation: 'set', key: `ats-contract-${run}`, value: { a: 1 }, ttlSeconds: 60 } },
        { name: 'redisGet', type: 'redis', config: { resourceId: ids.redis, operation: 'get', key: `ats-contract-${run}` } },
      ],
      'kafka-subscribe': [
        {
          name: 'consume',
          type: 'kafka-subscribe',
          runInBackground: true,
          timeoutMs: 30_000,
          config: { resourceId: ids.kafka, topic, timeoutMs: 20_000, searchPattern: { matchType: 'header', header: 'X-Correlation-Id', pattern: '${execution.correlationId}' } },
        },
      ],
      'kafka-publish': [{ name: 'publish', type: 'kafka-publish', config: { resourceId: ids.kafka, topic, messages: [{ key: 'k', value: { n: 1 } }] } }],
      // The consume case comes first: it is positioned in the background before the publish runs.
      'amqp-consume': [
        {
          name: 'amqpConsume',
          type: 'amqp-consume',
          runInBackground: true,
          timeoutMs: 30_000,
          config: { resourceId: ids.amqp, exchange: 'amq.topic', bindingKeys: ['ats-contract.#'], timeoutMs: 20_000, searchPattern: { matchType: 'header', header: 'X-Correlation-Id', pattern: '${execution.correlationId}' } },
        },
      ],
      'amqp-publish': [{ name: 'amqpPublish', type: 'amqp-publish', config: { resourceId: ids.amqp, exchange: 'amq.topic', routingKey: 'ats-contract.x', message: { n: 1 } } }],
      'mqtt-subscribe': [
        {
          name: 'mqttConsume',
          type: 'mqtt-subscribe',
          runInBackground: true,
          timeoutMs: 15_000,
          config: { resourceId: ids.mqtt, topics: [`ats-contract/${run}/#`], timeoutMs: 10_000, searchPattern: { matchType: 'header', header: 'X-Correlation-Id', pattern: '${execution.correlationId}' } },
        },
      ],
      'mqtt-publish': [{ name: 'mqttPublish', type: 'mqtt-publish', config: { resourceId: ids.mqtt, topic: `ats-contract/${run}/x`, message: { n: 1 } } }],
      'nats-subscribe': [
        {
          name: 'natsWait',
          type: 'nats-subscribe',
          runInBackground: true,
          timeoutMs: 30_000,
          config: { resourceId: ids.nats, subject: `ats.contract.${run}.core`, timeoutMs: 20_000, searchPattern: { matchType: 'header', header: 'X-Correlation-Id', pattern: '${execution.correlationId}' } },
        },
      ],
      'jetstream-consume': [{ name: 'jsWait', type: 'jetstream-consume', runInBackground: true, timeoutMs: 30_000, config: { resourceId: ids.nats, stream: natsStream, timeoutMs: 20_000 } }],
      'nats-publish': [{ name: 'natsPublish', type: 'nats-publish', config: { resourceId: ids.nats, subject: `ats.contract.${run}.core`, message: { n: 1 } } }],
      'jetstream-publish': [{ name: 'jsPublish', type: 'jetstream-publish', config: { resourceId: ids.nats, subject: `ats.contract.${run}.js.x`, message: { n: 1 } } }],
      'nats-request': [{ name: 'natsRequest', type: 'nats-request', config: { resourceId: ids.nats, subject: `ats.contract.${run}.quote`, message: 'q' } }],
      websocket: [{ name: 'ws', type: 'websocket', config: { resourceId: ids.websocket, send: ['ping'], timeoutMs: 5_000, searchPattern: { matchType: 'contains', pattern: 'pong' } } }],
      grpc: [
        { name: 'grpcUnary', type: 'grpc', config: { resourceId: ids.grpc, service: 'orders.v1.Orders', method: 'GetOrder', message: { order_id: 'o-1' } } },
        { name: 'grpcStream', type: 'grpc', config: { resourceId: ids.grpc, service: 'orders.v1.Orders', method: 'ListOrders', message: { count: 2 } } },
      ],
      graphql: [{ name: 'gql', type: 'graphql', config: { url: `${target.url}/graphql`, query: '{ ping }' } }],
      loki: [{ name: 'logs', type: 'loki', config: { resourceId: ids.loki, labels: { app: 'contract' }, relative: '1h' } }],
      prometheus: [
        { name: 'metrics', type: 'prometheus', config: { resourceId: ids.prometheus, query: 'queue_depth{queue="emails"}', duration1: { startTime: window.start * 1000, endTime: window.end * 1000 } } },
      ],
    };
  };

  it('lists every step type with config and result schemas that compile as strict JSON Schema, with every $ref resolved', () => {
    expect(catalogue.length).toBeGreaterThan(0);
    const problems: string[] = [];
    for (const entry of catalogue) {
      for (const field of ['configSchema', 'resultSchema'] as const) {
        try {
          newAjv().compile(entry[field]);
        } catch (error) {
          problems.push(`${entry.type}.${field}: ${(error as Error).message}`);
        }
      }
    }
    expect(problems).toEqual([]);
  });

  it('describes nested config objects inside the schema itself (no #/definitions/Array, KafkaSearchPattern defined)', () => {
    const byType = Object.fromEntries(catalogue.map((e) => [e.type, e]));
    const publish = byType['kafka-publish'].configSchema as any;
    expect(publish.properties.messages.items).toEqual({ $ref: '#/definitions/KafkaPublishMessage' });
    expect(publish.definitions.KafkaPublishMessage.properties).toHaveProperty('headers');
    const subscribe = byType['kafka-subscribe'].configSchema as any;
    expect(subscribe.definitions.KafkaSearchPattern.properties.matchType.enum).toEqual(['exact', 'contains', 'jsonpath', 'header']);
    // Where a background step may reference later steps (deferred match), named for the UI.
    expect(byType['kafka-subscribe'].lateFields).toEqual(['searchPattern']);
    expect(byType.http.lateFields).toBeUndefined();
    // The new correlation fields are in the catalogue.
    expect(byType.http.configSchema.properties).toHaveProperty('correlationHeader');
    expect(byType.http.configSchema.properties).toHaveProperty('propagateCorrelation');
    expect(publish.properties).toHaveProperty('propagateCorrelation');
    // A config the UI builds from the schema validates against it.
    const validate = newAjv().compile(publish);
    expect(validate({ resourceId: ids.kafka, topic, messages: [{ value: 'x', headers: { a: 'b' } }], correlationHeader: 'X-Request-Id' })).toBe(true);
    expect(validate({ resourceId: ids.kafka, topic, messages: [{ value: 'x', headers: 'not-an-object' }] })).toBe(false);
  });

  it('GET /resource-types names config schemas that exist in the OpenAPI document, and every $ref there resolves', async () => {
    const types: Array<{ type: string; configSchema: string }> = (await t.http.get(`${API}/resource-types`).set(user.auth).expect(200)).body;
    const doc = (await t.http.get('/docs-json').expect(200)).body;
    const components = doc.components.schemas as Record<string, unknown>;
    expect(types.filter((r) => !Object.hasOwn(components, r.configSchema)).map((r) => r.type)).toEqual([]);
    const dangling = new Set<string>();
    const walk = (node: unknown): void => {
      if (Array.isArray(node)) return node.forEach(walk);
      if (node === null || typeof node !== 'object') return;
      for (const [key, value] of Object.entries(node)) {
        if (key === 'example' || key === 'examples') continue; // data shown to readers, not schema
        if (key === '$ref' && typeof value === 'string' && !Object.hasOwn(components, value.replace('#/components/schemas/', ''))) dangling.add(value);
        else walk(value);
      }
    };
    walk(doc);
    expect([...dangling]).toEqual([]);
  });

  it('every registered step type has a contract case', () => {
    const cases = contractCases();
    const missing = catalogue.map((e) => e.type).filter((type) => !Object.hasOwn(cases, type));
    // A new step type must add a case above: its real result is what the UI will be shown.
    expect({ stepTypesWithoutContractCase: missing }).toEqual({ stepTypesWithoutContractCase: [] });
  });

  it("runs every plugin against real services and each stored result is valid against its type's resultSchema", async () => {
    const cases = contractCases();
    const registered = new Set(catalogue.map((e) => e.type));
    // Order matters only for Kafka: the subscription is positioned before the publish.
    const steps = Object.entries(cases)
      .filter(([type]) => registered.has(type))
      .flatMap(([, list]) => list)
      .map((step): Record<string, unknown> => ({ retry: { maxRetries: 0 }, ...step }));
    const flowId = await createFlow(t, user, teamId, { name: 'contract', steps });
    const started = await runFlow(t, user, teamId, flowId);
    const done = await waitForExecution(t, user, teamId, started.id, 60_000);
    expect(done.steps.map((s: any) => [s.name, s.status, s.error])).toEqual(steps.map((s) => [s.name, 'SUCCESS', null]));

    const validators = new Map<string, ValidateFunction>(catalogue.map((e) => [e.type, newAjv().compile(e.resultSchema)]));
    const invalid = done.steps
      .map((s: any) => ({ name: s.name, type: s.type, valid: validators.get(s.type)!(s.response), errors: validators.get(s.type)!.errors }))
      .filter((r: any) => !r.valid);
    expect(invalid).toEqual([]);
    // The run's ids travelled: the subscription matched the published message on the correlation header.
    const byName = Object.fromEntries(done.steps.map((s: any) => [s.name, s]));
    expect(byName.consume.response.matchedCount).toBe(1);
    expect(byName.publish.response.messages[0].sent).toMatchObject({ correlationHeader: 'X-Correlation-Id', correlationId: done.correlationId });
  });
});
