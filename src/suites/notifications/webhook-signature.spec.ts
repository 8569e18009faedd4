import { createHmac } from 'node:crypto';
import { signWebhookBody, verifyWebhookSignature } from './webhook-signature';

describe('webhook signature', () => {
  const secret = 'whsec-0123456789abcdef';
  const body = '{"event":"suite_run.finished","run":{"status":"FAILED"},"note":"üñï \\u2028"}';
  const now = 1_765_000_000;

  it('is t=<unix seconds>,v1=<hex HMAC-SHA256 of "<t>.<raw UTF-8 body>">', () => {
    const hex = createHmac('sha256', secret).update(Buffer.from(`${now}.${body}`, 'utf8')).digest('hex');
    expect(signWebhookBody(secret, body, now)).toBe(`t=${now},v1=${hex}`);
    expect(signWebhookBody(secret, Buffer.from(body, 'utf8'), now)).toBe(`t=${now},v1=${hex}`);
  });

  it('signs with the current time by default', () => {
    const header = signWebhookBody(secret, body);
    const t = Number(/^t=(\d+),/.exec(header)![1]);
    expect(Math.abs(t - Date.now() / 1000)).toBeLessThan(5);
    expect(verifyWebhookSignature(secret, header, body)).toBe(true);
  });

  it('verifies only the exact body under the exact secret', () => {
    const header = signWebhookBody(secret, body, now);
    expect(verifyWebhookSignature(secret, header, body, 300, now)).toBe(true);
    expect(verifyWebhookSignature(secret, header, Buffer.from(body, 'utf8'), 300, now)).toBe(true);
    expect(verifyWebhookSignature(secret, header, body + ' ', 300, now)).toBe(false);
    expect(verifyWebhookSignature(secret, header, body.replace('FAILED', 'PASSED'), 300, now)).toBe(false);
    expect(verifyWebhookSignature('another-secret-value', header, body, 300, now)).toBe(false);
    expect(verifyWebhookSignature(secret, header.toUpperCase(), body, 300, now)).toBe(false);
    expect(verifyWebhookSignature(secret, undefined, body, 300, now)).toBe(false);
    expect(verifyWebhookSignature(secret, `t=${now},v1=abc`, body, 300, now)).toBe(false);
  });

  it('refuses a signature whose timestamp was changed (the timestamp is signed)', () => {
    const header = signWebhookBody(secret, body, now - 1000);
    const moved = header.replace(`t=${now - 1000}`, `t=${now}`);
    expect(verifyWebhookSignature(secret, moved, body, 300, now)).toBe(false);
  });

  it('refuses an old delivery (replay) and one from too far in the future, within the tolerance either way', () => {
    expect(verifyWebhookSignature(secret, signWebhookBody(secret, body, now - 301), body, 300, now)).toBe(false);
    expect(verifyWebhookSignature(secret, signWebhookBody(secret, body, now - 300), body, 300, now)).toBe(true);
    expect(verifyWebhookSignature(secret, signWebhookBody(secret, body, now + 299), body, 300, now)).toBe(true);
    expect(verifyWebhookSignature(secret, signWebhookBody(secret, body, now + 301), body, 300, now)).toBe(false);
    expect(verifyWebhookSignature(secret, signWebhookBody(secret, body, now - 3600), body, 7200, now)).toBe(true);
  });
});
