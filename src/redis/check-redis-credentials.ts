import Redis from 'ioredis';
import type { AppConfig } from '../config/app-config';

/** Replies by which Redis refuses the credentials (or the ACL user's rights) rather than being down. */
const REFUSED = /^(WRONGPASS|NOAUTH|NOPERM)\b/;

/**
 * Fails the start when Redis refuses REDIS_URL's credentials. Without it every connection (BullMQ,
 * subscribers, commands) would retry the refused login forever while the process looks alive. Redis
 * that is merely unreachable does not stop the start: the app's connections reconnect when it is back.
 * Runs before Nest, like the migrations, on a short-lived connection that never retries.
 */
export async function checkRedisCredentials(config: AppConfig): Promise<void> {
  const client = new Redis(config.REDIS_URL, { lazyConnect: true, retryStrategy: () => null, maxRetriesPerRequest: 0, enableOfflineQueue: false, connectTimeout: 5_000 });
  // A refused login closes the connection: connect() then only says "Connection is closed", and the
  // server's reason arrives as an 'error' event.
  let lastError: Error | undefined;
  client.on('error', (error: Error) => (lastError = error));
  try {
    await client.connect();
    await client.ping();
  } catch (error) {
    const message = (lastError ?? (error as Error)).message ?? String(error);
    if (REFUSED.test(message)) throw new Error(`Redis refused the credentials in REDIS_URL (${redactedUrl(config.REDIS_URL)}): ${message}`);
  } finally {
    // disconnect() on a connection that already ended arms a 2 s timer that keeps the process alive.
    if (client.status !== 'end') client.disconnect();
  }
}

function redactedUrl(url: string): string {
  const parsed = new URL(url);
  if (parsed.password) parsed.password = '***';
  return parsed.toString();
}
