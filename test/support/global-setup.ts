import { startPrometheusFixture } from '../infra/prometheus/prometheus-fixture';

/**
 * Runs once before the e2e project: starts a real Prometheus over the deterministic fixture and
 * publishes its address to the test workers through the environment. Kafka is started by
 * test/infra/up.sh (it takes seconds and is shared across runs); its absence fails the Kafka tests loudly.
 */
export default async function globalSetup(): Promise<void> {
  const prometheus = await startPrometheusFixture();
  process.env.TEST_PROMETHEUS_URL = prometheus.url;
  process.env.TEST_PROMETHEUS_NOW = String(prometheus.fixture.nowSec);
  (globalThis as Record<string, unknown>).__ATS_PROMETHEUS__ = prometheus;
}
