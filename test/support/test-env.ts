// Addresses of the real services used by the e2e tests. Defaults match the development machine and
// test/infra scripts; CI can point elsewhere through the same variables.
export const TEST_PG_ADMIN_URL = process.env.TEST_PG_ADMIN_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
export const TEST_REDIS_URL = process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';
export const TEST_MARIADB_URL = process.env.TEST_MARIADB_URL ?? 'mysql://root@127.0.0.1:3306/test';
export const TEST_KAFKA_BROKERS = (process.env.TEST_KAFKA_BROKERS ?? '127.0.0.1:19092').split(',');
/** The machine's RabbitMQ (started before every session, or by test/infra/up.sh). */
export const TEST_AMQP_URL = process.env.TEST_AMQP_URL ?? 'amqp://guest:guest@127.0.0.1:5672';
/** The machine's Mosquitto (anonymous on loopback). */
export const TEST_MQTT_URL = process.env.TEST_MQTT_URL ?? 'mqtt://127.0.0.1:1883';
/** The machine's NATS server with JetStream. */
export const TEST_NATS_SERVER = process.env.TEST_NATS_SERVER ?? '127.0.0.1:4222';
/** Set by the e2e global setup, which starts a Prometheus over the deterministic fixture. */
export const testPrometheusUrl = (): string => {
  const url = process.env.TEST_PROMETHEUS_URL;
  if (!url) throw new Error('TEST_PROMETHEUS_URL is not set: the e2e global setup starts Prometheus');
  return url;
};
/** The "now" (Unix seconds) the Prometheus fixture was generated for; buildFixture(now) gives its exact data. */
export const testPrometheusNowSec = (): number => Number(process.env.TEST_PROMETHEUS_NOW);
