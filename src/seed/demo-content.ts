// Example resources and flows created in the demo team by `npm run quickstart` (SEED_DEMO=true).
// Flows are written in the import format (resources named, not by id), so the seed goes through the
// same validation as a user's import. Only the first flow runs without outside systems; the others
// show the other step types against the services docker-compose.yml starts.

export function demoResources(port: number, databaseUrl: string) {
  const db = new URL(databaseUrl);
  return [
    { name: 'this-service', type: 'http', description: 'The Async Testing Service itself', config: { baseUrl: `http://127.0.0.1:${port}` } },
    {
      name: 'local-postgres',
      type: 'sql',
      description: 'The service database, read-only',
      config: {
        engine: 'postgres',
        host: db.hostname,
        port: Number(db.port || 5432),
        database: db.pathname.slice(1),
        user: decodeURIComponent(db.username || 'postgres'),
        ...(db.password ? { password: decodeURIComponent(db.password) } : {}),
        allowWrites: false,
      },
    },
    { name: 'local-kafka', type: 'kafka', config: { brokers: ['127.0.0.1:9092'], clientId: 'ats-demo' } },
    { name: 'local-prometheus', type: 'prometheus', config: { url: 'http://127.0.0.1:9090' } },
    { name: 'local-loki', type: 'loki', config: { url: 'http://127.0.0.1:3100' } },
  ];
}

export const DEMO_FLOWS_DOCUMENT = {
  format: 'ats.flows',
  formatVersion: 1,
  flows: [
    {
      name: 'Service smoke test',
      description: 'Runs anywhere: checks this service is ready, chains a value from the OpenAPI document, and queries its database.',
      tags: ['demo', 'smoke'],
      variables: [{ name: 'expectedTitle', type: 'string', default: 'Async Testing Service' }],
      steps: [
        {
          name: 'ready',
          type: 'http',
          resource: 'this-service',
          config: { url: '/health/ready' },
          assertions: [
            { path: 'status', operator: 'equals', expected: 200 },
            { path: 'body.details.postgres.status', operator: 'equals', expected: 'up' },
          ],
        },
        {
          name: 'openapi',
          type: 'http',
          resource: 'this-service',
          config: { url: '/docs-json' },
          assertions: [{ path: 'body.info.title', operator: 'equals', expected: '${expectedTitle}' }],
        },
        {
          name: 'migrations',
          type: 'sql',
          resource: 'local-postgres',
          config: { query: 'SELECT count(*)::int AS applied FROM schema_migrations WHERE name <> :skip', parameters: { skip: '${openapi.response.body.info.version}' } },
          assertions: [{ path: 'rows[0].applied', operator: 'gte', expected: 1 }],
        },
      ],
    },
    {
      name: 'Order placed → event published (signature scenario)',
      description:
        'Subscribes to orders.created in the background, places an order over HTTP, then waits for the matching event. ' +
        'Point baseUrl at your orders API.',
      tags: ['demo', 'kafka'],
      variables: [
        { name: 'baseUrl', type: 'string', default: 'http://127.0.0.1:8080', description: 'Your orders API' },
        { name: 'customerId', type: 'string', default: 'c-1001' },
      ],
      steps: [
        {
          name: 'orderEvent',
          type: 'kafka-subscribe',
          resource: 'local-kafka',
          runInBackground: true,
          timeoutMs: 40000,
          config: {
            topic: 'orders.created',
            searchPattern: { matchType: 'jsonpath', pattern: "$[?(@.customerId == '${customerId}')]", matchAll: false },
            timeoutMs: 30000,
          },
          assertions: [{ path: 'matchedCount', operator: 'gte', expected: 1 }],
        },
        {
          name: 'placeOrder',
          type: 'http',
          config: { url: '${baseUrl}/orders', method: 'POST', body: { customerId: '${customerId}', sku: 'A-1', qty: 2 } },
          assertions: [{ path: 'status', operator: 'equals', expected: 201 }],
          retry: { maxRetries: 0 },
        },
      ],
    },
    {
      name: 'Queue depth did not grow',
      tags: ['demo', 'prometheus'],
      variables: [{ name: 'queue', type: 'string', default: 'emails' }],
      steps: [
        {
          name: 'queueDepth',
          type: 'prometheus',
          resource: 'local-prometheus',
          config: {
            query: 'avg(queue_depth{queue=$queue})',
            labelValues: { queue: '${queue}' },
            duration1: { relative: { ago: '1d', length: '30m' } },
            duration2: { relative: '30m' },
            threshold: 20,
            direction: 'increase',
          },
          assertions: [{ path: 'comparison.anomalyDetected', operator: 'equals', expected: false }],
        },
      ],
    },
    {
      name: 'Payment logged',
      tags: ['demo', 'loki'],
      steps: [
        {
          name: 'paymentLine',
          type: 'loki',
          resource: 'local-loki',
          config: { labels: { app: 'payments' }, containsPatterns: ['status=PAID'], relative: '15m' },
          retry: { maxRetries: 5, initialDelayMs: 1000, backoffMultiplier: 1.5, maxDelayMs: 5000 },
          assertions: [{ path: 'matchCount', operator: 'gte', expected: 1 }],
        },
      ],
    },
  ],
};
