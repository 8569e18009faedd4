#!/usr/bin/env node
// Readiness probe for the test Kafka broker, used by kafka.sh.
// usage: node ready.js [host:port] [timeoutMs]
// exit 0 = describeCluster answered with at least one broker and the group coordinator is up; 1 = timed out; 3 = kafkajs not installed.
'use strict';
const broker = process.argv[2] || `127.0.0.1:${process.env.KAFKA_PORT || 19092}`;
const timeoutMs = Number(process.argv[3] || 60000);

let kafkajs;
try {
  kafkajs = require('kafkajs'); // resolves up to <repo>/node_modules, or via NODE_PATH
} catch (e) {
  process.exit(3); // kafka.sh falls back to the log line + its ApiVersions probe
}
const { Kafka, logLevel } = kafkajs;
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

async function once() {
  const kafka = new Kafka({
    clientId: 'kafka-sh-ready',
    brokers: [broker],
    logLevel: logLevel.NOTHING,
    connectionTimeout: 1000,
    requestTimeout: 3000,
    retry: { retries: 0 },
  });
  const admin = kafka.admin();
  try {
    await admin.connect();
    const c = await admin.describeCluster();
    if (!c.brokers || c.brokers.length === 0) throw new Error('no brokers in metadata');
    // Warm up the group coordinator: FindCoordinator makes the broker create __consumer_offsets,
    // so the first consumer group in a test does not hit "group coordinator is not available".
    await admin.describeGroups(['kafka-sh-ready']);
    return c;
  } finally {
    await admin.disconnect().catch(() => {});
  }
}

(async () => {
  const deadline = Date.now() + timeoutMs;
  let lastErr;
  for (;;) {
    try {
      const c = await once();
      console.log(`ready: clusterId=${c.clusterId} brokers=${c.brokers.map((b) => `${b.nodeId}@${b.host}:${b.port}`).join(',')}`);
      process.exit(0);
    } catch (e) {
      lastErr = e;
    }
    if (Date.now() >= deadline) break;
    await sleep(250);
  }
  console.error(`ready.js: ${broker} not ready after ${timeoutMs} ms: ${lastErr && lastErr.message}`);
  process.exit(1);
})();
