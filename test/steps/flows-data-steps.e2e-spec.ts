import { randomBytes, randomUUID } from 'node:crypto';
import { Kafka, logLevel, type Producer } from 'kafkajs';
import { Client } from 'pg';
import { createFlow, noRetry, runFlow, waitForExecution } from '../support/flow-helpers';
import { json, startHttpTarget } from '../support/http-target';
import { API, ownerWithTeam, type TestUser } from '../support/identity-helpers';
import { startTestApp, type TestApp } from '../support/test-app';
import { adminQuery, createTestDatabase } from '../support/test-database';
import { TEST_KAFKA_BROKERS, TEST_REDIS_URL } from '../support/test-env';

jest.setTimeout(60_000);

/**
 * The sql, redis, kafka-publish and kafka-subscribe steps through the API (flow → queue → worker):
 * the signature scenario — subscribe in the background, trigger the producer over HTTP, check the
 * database, cache and re-publish, assert on the message — plus save-time validation and cancellation.
 */
describe('flows with sql, redis and kafka steps (API → worker → real servers)', () => {
  const run = randomBytes(4).toString('hex');
  const eventsTopic = `ats-flows-${run}-orders`;
  const auditTopic = `ats-flows-${run}-audit`;
  let t: TestApp;
  let user: TestUser;
  let teamId: string;
  let database: Awaited<ReturnType<typeof createTestDatabase>>;
  let db: Client;
  let producer: Producer;
  let target: Awaited<ReturnType<typeof startHttpTarget>>;
  const kafka = new Kafka({ brokers: TEST_KAFKA_BROKERS, logLevel: logLevel.NOTHING });
  const admin = kafka.admin();
  const ids = { kafka: '', sql: '', sqlWritable: '', redis: '' };
  // The sql step refuses superusers: the flows read and write the orders table as a plain role.
  const sqlUser = `ats_flows_${run}`;

  const createResource = async (name: string, type: string, config: object): Promise<string> =>
    (await t.http.post(`${API}/teams/${teamId}/resources`).set(user.auth).send({ name, type, config }).expect(201)).body.id;

  beforeAll(async () => {
    // The sql and redis steps run against the shared Postgres and Redis, which are also this app's own stores.
    t = await startTestApp('flows_data_steps', { env: { EGRESS_ALLOW_CONTROL_PLANE: 'true' } });
    ({ user, teamId } = await ownerWithTeam(t, 'data-steps'));
    database = await createTestDatabase('flows_orders');
    db = new Client({ connectionString: database.url });
    await db.connect();
    await db.query('CREATE TABLE orders (id uuid PRIMARY KEY, status text NOT NULL, amount numeric(10,2) NOT NULL, created_at timestamptz NOT NULL DEFAULT now())');
    await db.query(`CREATE ROLE ${sqlUser} LOGIN`);
    await db.query(`GRANT SELECT, INSERT, UPDATE, DELETE ON orders TO ${sqlUser}`);
    producer = kafka.producer();
    await producer.connect();
    await admin.connect();
    // The system under test: stores the order, then announces it on Kafka, as a service would.
    target = await startHttpTarget({
      'POST /orders': async (_req, body, res) => {
        const { orderId, amount } = JSON.parse(body) as { orderId: string; amount: number };
        await db.query('INSERT INTO orders (id, status, amount) VALUES ($1, $2, $3)', [orderId, 'CREATED', amount]);
        await producer.send({ topic: eventsTopic, messages: [{ value: JSON.stringify({ type: 'noise' }) }, { key: orderId, value: JSON.stringify({ orderId, status: 'CREATED', amount }) }] });
        json(res, 201, { id: orderId });
      },
    });
    const url = new URL(database.url);
    const sql = { engine: 'postgres', host: url.hostname, port: Number(url.port || 5432), database: database.name, user: sqlUser };
    ids.kafka = await createResource('kafka', 'kafka', { brokers: TEST_KAFKA_BROKERS });
    ids.sql = await createResource('orders-db', 'sql', sql);
    ids.sqlWritable = await createResource('orders-db-rw', 'sql', { ...sql, allowWrites: true });
    ids.redis = await createResource('cache', 'redis', { url: TEST_REDIS_URL });
  });

  afterAll(async () => {
    await t.close();
    await target.close();
    await producer.disconnect();
    await admin.deleteTopics({ topics: [eventsTopic, auditTopic] }).catch(() => undefined);
    await admin.disconnect();
    await db.end();
    await database.drop();
    await adminQuery(`DROP ROLE IF EXISTS ${sqlUser}`);
  });

  it('subscribes in the background, triggers the producer over HTTP, then checks the row, the cache and the message', async () => {
    const flowId = await createFlow(t, user, teamId, {
      name: 'order created',
      variables: [
        { name: 'orderId', type: 'string', required: true },
        { name: 'amount', type: 'number', default: 12.5 },
      ],
      steps: [
        noRetry({
          name: 'orderEvent',
          type: 'kafka-subscribe',
          runInBackground: true,
          timeoutMs: 20_000,
          config: { resourceId: ids.kafka, topic: eventsTopic, timeoutMs: 10_000, searchPattern: { matchType: 'jsonpath', pattern: "$[?(@.orderId == '${orderId}')]" } },
          assertions: [
            { path: 'matchedCount', operator: 'equals', expected: 1 },
            { path: 'messages[0].value.status', operator: 'equals', expected: 'CREATED' },
            { path: 'messages[0].key', operator: 'equals', expected: '${orderId}' },
          ],
        }),
        noRetry({ name: 'create', type: 'http', config: { url: `${target.url}/orders`, method: 'POST', body: { orderId: '${orderId}', amount: '${amount}' } }, assertions: [{ path: 'status', operator: 'equals', expected: 201 }] }),
        noRetry({
          name: 'row',
          type: 'sql',
          config: { resourceId: ids.sql, query: 'SELECT id, status, amount, created_at FROM orders WHERE id = :id', parameters: { id: '${create.response.body.id}' } },
          assertions: [
            { path: 'rowCount', operator: 'equals', expected: 1 },
            { path: 'rows[0].status', operator: 'equals', expected: 'CREATED' },
            { path: 'rows[0].created_at', operator: 'gte', expected: '${now("-5m")}' },
          ],
        }),
        noRetry({ name: 'cache', type: 'redis', config: { resourceId: ids.redis, operation: 'set', key: `ats-flows-${run}:order:\${orderId}`, value: { status: '${row.response.rows[0].status}' }, ttlSeconds: 60 } }),
        noRetry({ name: 'cached', type: 'redis', config: { resourceId: ids.redis, operation: 'get', key: `ats-flows-${run}:order:\${orderId}` }, assertions: [{ path: 'value', operator: 'contains', expected: 'CREATED' }] }),
        noRetry({
          name: 'audit',
          type: 'kafka-publish',
          config: { resourceId: ids.kafka, topic: auditTopic, messages: [{ key: '${orderId}', value: { orderId: '${orderId}', amount: '${row.response.rows[0].amount}' }, headers: { source: 'ats' } }] },
          assertions: [{ path: 'messages[0].offset', operator: 'equals', expected: '0' }],
        }),
      ],
    });
    const orderId = randomUUID();
    const started = await runFlow(t, user, teamId, flowId, { variables: [{ name: 'orderId', value: orderId }] });
    const done = await waitForExecution(t, user, teamId, started.id, 40_000);
    expect({ status: done.status, error: done.error, steps: done.steps.map((s: any) => [s.name, s.status, s.error]) }).toMatchObject({
      status: 'COMPLETED',
      steps: [
        ['orderEvent', 'SUCCESS', null],
        ['create', 'SUCCESS', null],
        ['row', 'SUCCESS', null],
        ['cache', 'SUCCESS', null],
        ['cached', 'SUCCESS', null],
        ['audit', 'SUCCESS', null],
      ],
    });
    const byName = Object.fromEntries(done.steps.map((s: any) => [s.name, s]));
    expect(byName.orderEvent.response).toMatchObject({ matchedCount: 1, scannedCount: 2, messages: [{ key: orderId, value: { orderId, status: 'CREATED', amount: 12.5 } }] });
    expect(byName.row.response.rows[0]).toMatchObject({ id: orderId, status: 'CREATED', amount: '12.50' });
    expect(byName.cached.response).toEqual({ operation: 'get', key: `ats-flows-${run}:order:${orderId}`, value: '{"status":"CREATED"}', exists: true });
    // The SQL step's request keeps the parameters apart from the query text.
    expect(byName.row.request).toMatchObject({ query: 'SELECT id, status, amount, created_at FROM orders WHERE id = :id', parameters: { id: orderId } });
  });

  it('refuses on save a SQL query built with ${...}, naming the field and pointing to parameters', async () => {
    const res = await t.http
      .post(`${API}/teams/${teamId}/flows`)
      .set(user.auth)
      .send({ name: 'injectable', variables: [{ name: 'id', type: 'string' }], steps: [{ name: 'q', type: 'sql', config: { resourceId: ids.sql, query: "SELECT * FROM orders WHERE id = '${id}'" } }] })
      .expect(400);
    expect(res.body.details.problems).toEqual([expect.objectContaining({ pointer: '/steps/0/config/query', message: expect.stringMatching(/must not contain \$\{\.\.\.\}.*parameters/) })]);
  });

  it('fails a write on a read-only resource and runs it on a writable one', async () => {
    const insert = (resourceId: string) => ({ resourceId, query: "INSERT INTO orders (id, status, amount) VALUES (:id, 'MANUAL', 1)", parameters: { id: '${uuid()}' } });
    const flowId = await createFlow(t, user, teamId, {
      name: 'writes',
      steps: [
        noRetry({ name: 'refused', type: 'sql', continueOnFailure: true, config: insert(ids.sql) }),
        noRetry({ name: 'allowed', type: 'sql', config: insert(ids.sqlWritable), assertions: [{ path: 'rowCount', operator: 'equals', expected: 1 }] }),
      ],
    });
    const done = await waitForExecution(t, user, teamId, (await runFlow(t, user, teamId, flowId)).id);
    expect(done.steps.map((s: any) => s.status)).toEqual(['ERROR', 'SUCCESS']);
    expect(done.steps[0].error).toMatch(/the database refused a write on resource "orders-db": cannot execute INSERT in a read-only transaction/);
    expect(Number((await db.query("SELECT count(*) AS n FROM orders WHERE status = 'MANUAL'")).rows[0].n)).toBe(1);
  });

  it('cancels a waiting subscription promptly and leaves no member in its consumer group', async () => {
    const flowId = await createFlow(t, user, teamId, {
      name: 'cancel wait',
      steps: [noRetry({ name: 'wait', type: 'kafka-subscribe', timeoutMs: 90_000, config: { resourceId: ids.kafka, topic: eventsTopic, timeoutMs: 60_000, searchPattern: { matchType: 'exact', pattern: 'never' } } })],
    });
    const started = await runFlow(t, user, teamId, flowId);
    const groupId = `ats-${started.id}-wait`;
    // In progress and joined: the fresh group has its member.
    for (let i = 0; i < 100; i++) {
      const [group] = (await admin.describeGroups([groupId])).groups;
      if (group.members.length === 1) break;
      await new Promise((r) => setTimeout(r, 100));
    }
    expect((await admin.describeGroups([groupId])).groups[0].members).toHaveLength(1);
    const asked = Date.now();
    await t.http.post(`${API}/teams/${teamId}/executions/${started.id}/cancel`).set(user.auth).expect(200);
    const done = await waitForExecution(t, user, teamId, started.id, 10_000);
    expect(done.status).toBe('CANCELLED');
    expect(Date.now() - asked).toBeLessThan(3000);
    for (let i = 0; i < 50 && (await admin.describeGroups([groupId])).groups[0].members.length > 0; i++) await new Promise((r) => setTimeout(r, 100));
    expect((await admin.describeGroups([groupId])).groups[0]).toMatchObject({ members: [] });
  });
});
