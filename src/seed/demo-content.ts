// Example resources and flows created in the demo team by `npm run quickstart` (SEED_DEMO=true). They
// test the demo orders API (examples/demo-service) that the same process starts. Flows are written in
// the import format (resources named, not by id), so the seed goes through the same validation as a
// user's import. Flows whose description starts with "Needs docker compose" use Kafka, Prometheus or
// Loki, which `docker compose up` provides; every other flow passes with only Postgres and Redis.
import { DEMO_ORDERS_TABLE, ORDERS_CREATED_TOPIC } from '../../examples/demo-service/demo-service';
import type { DemoReaderLogin } from './demo-reader-role';

export interface DemoAddresses {
  /** The demo service as the workers reach it. */
  demoBaseUrl: string;
  /** The service's own database: the demo's table lives there, in the `demo` schema. */
  databaseUrl: string;
  redisUrl: string;
  /** Read-only login for the demo's table; absent: the service's own account (see demo-reader-role.ts). */
  reader?: DemoReaderLogin;
  kafkaBrokers: string[];
  prometheusUrl: string;
  lokiUrl: string;
}

/** Description prefix of the flows that need systems only docker compose starts (the first-run test reads it). */
export const NEEDS_COMPOSE = 'Needs docker compose';

export function demoResources(at: DemoAddresses) {
  const db = new URL(at.databaseUrl);
  const redis = new URL(at.redisUrl);
  const dbUser = at.reader?.user ?? decodeURIComponent(db.username || 'postgres');
  const dbPassword = at.reader ? at.reader.password : db.password ? decodeURIComponent(db.password) : undefined;
  return [
    { name: 'demo-orders-api', type: 'http', description: 'The demo orders API (examples/demo-service)', config: { baseUrl: at.demoBaseUrl } },
    {
      name: 'demo-postgres',
      type: 'sql',
      description: `The demo's orders table (${DEMO_ORDERS_TABLE}), read-only`,
      config: {
        engine: 'postgres',
        host: db.hostname,
        port: Number(db.port || 5432),
        database: decodeURIComponent(db.pathname.slice(1)),
        user: dbUser,
        ...(dbPassword ? { password: dbPassword } : {}),
        allowWrites: false,
      },
    },
    {
      name: 'demo-redis',
      type: 'redis',
      description: 'The Redis the demo caches orders in',
      config: {
        host: redis.hostname,
        port: Number(redis.port || 6379),
        ...(redis.pathname.length > 1 ? { db: Number(redis.pathname.slice(1)) } : {}),
        ...(redis.username ? { username: decodeURIComponent(redis.username) } : {}),
        ...(redis.password ? { password: decodeURIComponent(redis.password) } : {}),
      },
    },
    { name: 'demo-kafka', type: 'kafka', description: 'Where the demo publishes orders.created', config: { brokers: at.kafkaBrokers, clientId: 'ats-demo' } },
    { name: 'demo-prometheus', type: 'prometheus', description: 'Scrapes the demo service /metrics', config: { url: at.prometheusUrl } },
    { name: 'demo-loki', type: 'loki', description: "Holds the demo service's log lines", config: { url: at.lokiUrl } },
  ];
}

/** A step that places one order for `${customerId}` and checks the API's answer. */
const placeOrder = {
  name: 'placeOrder',
  type: 'http',
  resource: 'demo-orders-api',
  config: { url: '/orders', method: 'POST', body: { customerId: '${customerId}', sku: '${sku}', qty: 2 } },
  // Placing an order is not idempotent: a retry after a lost answer would place a second one.
  retry: { maxRetries: 0 },
  assertions: [
    { path: 'status', operator: 'equals', expected: 201 },
    { path: 'body.id', operator: 'exists' },
  ],
};

const orderVariables = [
  { name: 'customerId', type: 'string', default: 'c-1001' },
  { name: 'sku', type: 'string', default: 'A-1' },
];

/** Slow systems (scrape interval, log shipping): look again for up to about a minute. */
const patientRetry = { maxRetries: 12, initialDelayMs: 2000, backoffMultiplier: 1.5, maxDelayMs: 8000 };

export const DEMO_FLOWS_DOCUMENT = {
  format: 'ats.flows',
  formatVersion: 1,
  flows: [
    {
      name: 'Place an order',
      description:
        'Runs with only Postgres and Redis: places an order over HTTP, reads it back, checks its row in Postgres and its cache entry in Redis, ' +
        'and that the cache entry stays there for two seconds (holdFor). The demo keeps its data in the service\'s own Postgres and Redis, ' +
        'which only a local run lets flows reach (EGRESS_ALLOW_CONTROL_PLANE): under docker compose the SQL and Redis steps are refused.',
      tags: ['demo', 'http', 'sql', 'redis'],
      variables: orderVariables,
      steps: [
        placeOrder,
        {
          name: 'readBack',
          type: 'http',
          resource: 'demo-orders-api',
          config: { url: '/orders/${placeOrder.response.body.id}' },
          assertions: [
            { path: 'status', operator: 'equals', expected: 200 },
            { path: 'body.sku', operator: 'equals', expected: '${sku}' },
            { path: 'headers.x-cache', operator: 'equals', expected: 'hit' },
          ],
        },
        {
          name: 'orderRow',
          type: 'sql',
          resource: 'demo-postgres',
          config: {
            query: `SELECT customer_id, qty, status FROM ${DEMO_ORDERS_TABLE} WHERE id = CAST(:id AS uuid)`,
            parameters: { id: '${placeOrder.response.body.id}' },
          },
          assertions: [
            { path: 'rows[0].customer_id', operator: 'equals', expected: '${customerId}' },
            { path: 'rows[0].qty', operator: 'equals', expected: 2 },
            { path: 'rows[0].status', operator: 'equals', expected: 'PLACED' },
          ],
        },
        {
          name: 'cached',
          type: 'redis',
          resource: 'demo-redis',
          config: { operation: 'get', key: 'demo:order:${placeOrder.response.body.id}' },
          holdFor: { durationMs: 2000, intervalMs: 500 },
          assertions: [
            { path: 'exists', operator: 'equals', expected: true },
            { path: 'value', operator: 'contains', expected: '${placeOrder.response.body.id}' },
          ],
        },
      ],
    },
    {
      name: 'Order API smoke test',
      description: 'Runs with only Postgres and Redis: health, input validation, a missing order and the metrics endpoint of the demo API.',
      tags: ['demo', 'smoke'],
      steps: [
        {
          name: 'health',
          type: 'http',
          resource: 'demo-orders-api',
          config: { url: '/health' },
          assertions: [
            { path: 'status', operator: 'equals', expected: 200 },
            { path: 'body.postgres', operator: 'equals', expected: 'up' },
            { path: 'body.redis', operator: 'equals', expected: 'up' },
          ],
        },
        {
          name: 'badOrder',
          type: 'http',
          resource: 'demo-orders-api',
          config: { url: '/orders', method: 'POST', body: { customerId: 'c-1', sku: 'A-1', qty: 0 } },
          retry: { maxRetries: 0 },
          assertions: [
            { path: 'status', operator: 'equals', expected: 400 },
            { path: 'body.message', operator: 'contains', expected: 'qty' },
          ],
        },
        {
          name: 'missingOrder',
          type: 'http',
          resource: 'demo-orders-api',
          config: { url: '/orders/${uuid()}' },
          assertions: [{ path: 'status', operator: 'equals', expected: 404 }],
        },
        {
          name: 'metrics',
          type: 'http',
          resource: 'demo-orders-api',
          config: { url: '/metrics' },
          assertions: [
            { path: 'status', operator: 'equals', expected: 200 },
            { path: 'body', operator: 'contains', expected: 'demo_orders_created_total' },
          ],
        },
      ],
    },
    {
      name: 'Order placed → event published',
      description:
        `${NEEDS_COMPOSE}: Kafka (or set DEMO_KAFKA_BROKERS to a broker). Subscribes to ${ORDERS_CREATED_TOPIC} in the background, ` +
        'places an order over HTTP, then waits for the event of that order.',
      tags: ['demo', 'kafka'],
      variables: orderVariables,
      steps: [
        {
          name: 'orderEvent',
          type: 'kafka-subscribe',
          resource: 'demo-kafka',
          runInBackground: true,
          timeoutMs: 40000,
          config: {
            topic: ORDERS_CREATED_TOPIC,
            searchPattern: { matchType: 'jsonpath', pattern: "$[?(@.customerId == '${customerId}')]", matchAll: false },
            timeoutMs: 30000,
          },
          assertions: [{ path: 'matchedCount', operator: 'gte', expected: 1 }],
        },
        placeOrder,
      ],
    },
    {
      name: 'Orders counted in Prometheus',
      description: `${NEEDS_COMPOSE}: Prometheus scraping the demo service. Places an order, then waits until Prometheus has scraped a non-zero demo_orders_created_total.`,
      tags: ['demo', 'prometheus'],
      variables: orderVariables,
      steps: [
        placeOrder,
        {
          name: 'ordersCounted',
          type: 'prometheus',
          resource: 'demo-prometheus',
          config: { query: 'max(demo_orders_created_total)', duration1: { relative: '5m' }, step: '15s' },
          retry: patientRetry,
          assertions: [{ path: 'duration1Results.max', operator: 'gte', expected: 1 }],
        },
      ],
    },
    {
      name: 'Order logged in Loki',
      description: `${NEEDS_COMPOSE}: Loki, with promtail shipping the demo service's log lines. Places an order, then finds its "order created" line.`,
      tags: ['demo', 'loki'],
      variables: orderVariables,
      steps: [
        placeOrder,
        {
          name: 'orderLine',
          type: 'loki',
          resource: 'demo-loki',
          config: { labels: { app: 'demo-service' }, containsPatterns: ['order created', '${placeOrder.response.body.id}'], relative: '15m' },
          retry: patientRetry,
          assertions: [{ path: 'matchCount', operator: 'gte', expected: 1 }],
        },
      ],
    },
  ],
};
