import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import Redis from 'ioredis';
import { Kafka, logLevel, type Producer } from 'kafkajs';
import { Pool } from 'pg';

/**
 * A small orders API for the first run: the kind of system a team tests with this service. It writes
 * Postgres, caches in Redis, publishes to Kafka when a broker is configured, logs JSON lines and
 * exposes Prometheus metrics, so every step type of the seeded flows has something real to check.
 *
 * It is an example, not part of the service: plain node:http and the client libraries the service
 * already depends on, no Nest. `npm run quickstart` starts it inside the app process (SEED_DEMO=true,
 * src/seed/demo-service-host.ts); docker-compose.yml runs the same code in its `demo` container.
 */
export interface DemoServiceOptions {
  port: number;
  host: string;
  databaseUrl: string;
  redisUrl: string;
  /** Kafka bootstrap brokers; none: orders are not published. */
  kafkaBrokers?: string[];
  /** Where the JSON log lines go (stdout by default; a collector such as promtail ships them to Loki). */
  log?: (line: string) => void;
}

export interface RunningDemoService {
  /** The bound socket (its port is DEMO_PORT, or the one picked for port 0). */
  address: AddressInfo;
  close(): Promise<void>;
}

/** Its own schema keeps the demo's rows apart from the service's tables and lets one grant cover them. */
export const DEMO_SCHEMA = 'demo';
export const DEMO_ORDERS_TABLE = `${DEMO_SCHEMA}.orders`;
export const ORDERS_CREATED_TOPIC = 'orders.created';
export const orderCacheKey = (id: string) => `demo:order:${id}`;
const CACHE_TTL_SECONDS = 3600;
const MAX_BODY_BYTES = 64 * 1024;

interface Order {
  id: string;
  customerId: string;
  sku: string;
  qty: number;
  status: string;
  createdAt: string;
}

export async function startDemoService(options: DemoServiceOptions): Promise<RunningDemoService> {
  const log = (level: string, msg: string, fields: Record<string, unknown> = {}) =>
    (options.log ?? ((line) => process.stdout.write(`${line}\n`)))(JSON.stringify({ time: new Date().toISOString(), level, app: 'demo-service', msg, ...fields }));
  const pool = new Pool({ connectionString: options.databaseUrl, max: 4 });
  const redis = new Redis(options.redisUrl, { lazyConnect: true, maxRetriesPerRequest: 2 });
  let producer: Producer | undefined;
  let server: Server | undefined;
  const metrics = { created: 0, inFlight: 0 };
  try {
    await createSchema(pool);
    await redis.connect();
    if (options.kafkaBrokers?.length) producer = await connectProducer(options.kafkaBrokers);

    server = createServer((req, res) => {
      metrics.inFlight++;
      res.on('close', () => metrics.inFlight--);
      route(req, res).catch((error: Error) => {
        log('error', 'request failed', { method: req.method, url: req.url, error: error.message });
        if (!res.headersSent) send(res, 500, { message: 'internal error' });
      });
    });
    await new Promise<void>((resolve, reject) => {
      server!.once('error', reject);
      server!.listen(options.port, options.host, resolve);
    });
  } catch (error) {
    await Promise.allSettled([pool.end(), redis.quit(), producer?.disconnect()]);
    throw error;
  }
  const address = server.address() as AddressInfo;
  log('info', 'demo service started', { port: address.port, kafka: producer ? 'enabled' : 'disabled' });

  async function route(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const path = (req.url ?? '/').split('?')[0];
    if (req.method === 'GET' && path === '/health') return health(res);
    if (req.method === 'GET' && path === '/metrics') return sendText(res, 200, metricsText());
    if (req.method === 'POST' && path === '/orders') return placeOrder(req, res);
    const orderId = /^\/orders\/([^/]+)$/.exec(path)?.[1];
    if (req.method === 'GET' && orderId) return getOrder(decodeURIComponent(orderId), res);
    send(res, 404, { message: `no route ${req.method} ${path}` });
  }

  async function health(res: ServerResponse): Promise<void> {
    const [postgres, cache] = await Promise.allSettled([pool.query('SELECT 1'), redis.ping()]);
    const status = { postgres: up(postgres), redis: up(cache), kafka: producer ? 'up' : 'disabled' };
    send(res, status.postgres === 'up' && status.redis === 'up' ? 200 : 503, { status: 'up', ...status });
  }

  async function placeOrder(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const body = await readJson(req);
    const problem = orderProblem(body);
    if (problem) return send(res, 400, { message: problem });
    const { customerId, sku, qty } = body as { customerId: string; sku: string; qty: number };
    const id = randomUUID();
    const { rows } = await pool.query(
      `INSERT INTO ${DEMO_ORDERS_TABLE} (id, customer_id, sku, qty) VALUES ($1, $2, $3, $4) RETURNING status, created_at`,
      [id, customerId, sku, qty],
    );
    const order: Order = { id, customerId, sku, qty, status: rows[0].status, createdAt: (rows[0].created_at as Date).toISOString() };
    await redis.set(orderCacheKey(order.id), JSON.stringify(order), 'EX', CACHE_TTL_SECONDS);
    if (producer) await producer.send({ topic: ORDERS_CREATED_TOPIC, messages: [{ key: order.id, value: JSON.stringify(order) }] });
    metrics.created++;
    log('info', 'order created', { orderId: order.id, customerId, sku, qty, published: Boolean(producer) });
    send(res, 201, order);
  }

  async function getOrder(id: string, res: ServerResponse): Promise<void> {
    const cached = await redis.get(orderCacheKey(id));
    if (cached) return send(res, 200, JSON.parse(cached), { 'x-cache': 'hit' });
    const { rows } = await pool.query(
      `SELECT id, customer_id, sku, qty, status, created_at FROM ${DEMO_ORDERS_TABLE} WHERE id::text = $1`,
      [id],
    );
    if (!rows.length) return send(res, 404, { message: `order ${id} not found` });
    const row = rows[0];
    send(res, 200, { id: row.id, customerId: row.customer_id, sku: row.sku, qty: row.qty, status: row.status, createdAt: row.created_at.toISOString() }, { 'x-cache': 'miss' });
  }

  function metricsText(): string {
    return [
      '# HELP demo_orders_created_total Orders placed since the demo service started.',
      '# TYPE demo_orders_created_total counter',
      `demo_orders_created_total ${metrics.created}`,
      '# HELP demo_http_requests_in_flight HTTP requests being served right now.',
      '# TYPE demo_http_requests_in_flight gauge',
      `demo_http_requests_in_flight ${metrics.inFlight}`,
      '',
    ].join('\n');
  }

  return {
    address,
    async close() {
      await new Promise<void>((resolve) => {
        server!.close(() => resolve());
        server!.closeAllConnections();
      });
      await Promise.allSettled([pool.end(), redis.quit(), producer?.disconnect()]);
    },
  };
}

async function createSchema(pool: Pool): Promise<void> {
  const client = await pool.connect();
  try {
    // Several processes may start on one database (quickstart restarts, parallel tests): one at a time.
    await client.query('BEGIN');
    await client.query("SELECT pg_advisory_xact_lock(hashtext('ats-demo-service-schema'))");
    await client.query(`CREATE SCHEMA IF NOT EXISTS ${DEMO_SCHEMA}`);
    await client.query(`CREATE TABLE IF NOT EXISTS ${DEMO_ORDERS_TABLE} (
      id uuid PRIMARY KEY,
      customer_id text NOT NULL,
      sku text NOT NULL,
      qty integer NOT NULL CHECK (qty > 0),
      status text NOT NULL DEFAULT 'PLACED',
      created_at timestamptz NOT NULL DEFAULT now()
    )`);
    await client.query('COMMIT');
  } catch (error) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw error;
  } finally {
    client.release();
  }
}

async function connectProducer(brokers: string[]): Promise<Producer> {
  const kafka = new Kafka({ clientId: 'ats-demo-service', brokers, logLevel: logLevel.NOTHING });
  // Created up front: a flow subscribes to the topic before the first order is placed.
  const admin = kafka.admin();
  await admin.connect();
  try {
    await admin.createTopics({ topics: [{ topic: ORDERS_CREATED_TOPIC, numPartitions: 1 }], waitForLeaders: true });
  } finally {
    await admin.disconnect();
  }
  const producer = kafka.producer();
  await producer.connect();
  return producer;
}

function orderProblem(body: unknown): string | undefined {
  if (!body || typeof body !== 'object' || Array.isArray(body)) return 'body must be a JSON object {customerId, sku, qty}';
  const { customerId, sku, qty } = body as Record<string, unknown>;
  if (typeof customerId !== 'string' || !customerId) return 'customerId must be a non-empty string';
  if (typeof sku !== 'string' || !sku) return 'sku must be a non-empty string';
  if (!Number.isInteger(qty) || (qty as number) < 1) return 'qty must be a positive integer';
  return undefined;
}

async function readJson(req: IncomingMessage): Promise<unknown> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > MAX_BODY_BYTES) return undefined;
    chunks.push(chunk as Buffer);
  }
  try {
    return JSON.parse(Buffer.concat(chunks).toString('utf8'));
  } catch {
    return undefined;
  }
}

function up(result: PromiseSettledResult<unknown>): 'up' | 'down' {
  return result.status === 'fulfilled' ? 'up' : 'down';
}

function send(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  res.writeHead(status, { 'content-type': 'application/json', ...headers }).end(JSON.stringify(body));
}

function sendText(res: ServerResponse, status: number, text: string): void {
  res.writeHead(status, { 'content-type': 'text/plain; version=0.0.4' }).end(text);
}
