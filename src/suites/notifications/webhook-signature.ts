import { createHmac, timingSafeEqual } from 'node:crypto';

export const SIGNATURE_HEADER = 'X-ATS-Signature';

/**
 * `t=<unix seconds>,v1=<hex HMAC-SHA256 of "<t>.<raw body>">`, as Stripe signs its webhooks. The signed
 * timestamp lets a receiver refuse a captured delivery replayed later; every attempt is signed afresh.
 */
export function signWebhookBody(secret: string, body: string | Buffer, timestampSec = Math.floor(Date.now() / 1000)): string {
  return `t=${timestampSec},v1=${hmacHex(secret, timestampSec, body)}`;
}

/**
 * What a receiver does: parse the header, refuse a timestamp further than `toleranceSec` from its own
 * clock (either way), recompute over the raw bytes and compare in constant time.
 */
export function verifyWebhookSignature(
  secret: string,
  header: string | undefined,
  body: string | Buffer,
  toleranceSec = 300,
  nowSec = Math.floor(Date.now() / 1000),
): boolean {
  const match = /^t=(\d{1,12}),v1=([0-9a-f]{64})$/.exec(header ?? '');
  if (!match) return false;
  const timestampSec = Number(match[1]);
  if (Math.abs(nowSec - timestampSec) > toleranceSec) return false;
  const expected = Buffer.from(hmacHex(secret, timestampSec, body), 'hex');
  return timingSafeEqual(expected, Buffer.from(match[2], 'hex'));
}

function hmacHex(secret: string, timestampSec: number, body: string | Buffer): string {
  return createHmac('sha256', secret).update(`${timestampSec}.`).update(body).digest('hex');
}
