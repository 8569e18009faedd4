import { createHmac } from 'node:crypto';
import { signWebhookBody, verifyWebhookSignature } from './webhook-signature';

describe('webhook signature', () => {
  const secret = 'whsec-0123456789abcdef';
  const body = '{"event":"suite_run.finished","run":{"status":"FAILED"},"note":"üñï \\u2028"}';

  it('is sha256=<hex HMAC-SHA256 of the raw UTF-8 body>', () => {
    const hex = createHmac('sha256', secret).update(Buffer.from(body, 'utf8')).digest('hex');
    expect(signWebhookBody(secret, body)).toBe(`sha256=${hex}`);
    expect(signWebhookBody(secret, Buffer.from(body, 'utf8'))).toBe(`sha256=${hex}`);
  });

  it('matches a known vector', () => {
    // RFC 4231 test case 2: key "Jefe", data "what do ya want for nothing?"
    expect(signWebhookBody('Jefe', 'what do ya want for nothing?')).toBe('sha256=5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843');
  });

  it('verifies only the exact body under the exact secret', () => {
    const header = signWebhookBody(secret, body);
    expect(verifyWebhookSignature(secret, body, header)).toBe(true);
    expect(verifyWebhookSignature(secret, body + ' ', header)).toBe(false);
    expect(verifyWebhookSignature('another-secret-value', body, header)).toBe(false);
    expect(verifyWebhookSignature(secret, body, header.toUpperCase())).toBe(false);
    expect(verifyWebhookSignature(secret, body, undefined)).toBe(false);
    expect(verifyWebhookSignature(secret, body, 'sha256=abc')).toBe(false);
  });
});
