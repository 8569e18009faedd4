import { readApiSettings, type ReadApiResource } from './read-api-client';

function resource(config: Partial<ReadApiResource['config']>): ReadApiResource {
  return { id: 'r-1', name: 'logs', type: 'loki', version: 1, config: { url: 'https://loki.internal/loki', tlsVerify: true, timeoutMs: 30_000, ...config } };
}

describe('readApiSettings', () => {
  it('takes url, timeout and TLS verification from the resource', () => {
    expect(readApiSettings(resource({ timeoutMs: 5000 }))).toEqual({ resourceName: 'logs', url: 'https://loki.internal/loki', headers: {}, verifyTls: true, timeoutMs: 5000 });
  });

  it("honours the resource's tlsVerify: false", () => {
    expect(readApiSettings(resource({ tlsVerify: false })).verifyTls).toBe(false);
  });

  it('sends bearer or basic credentials as the authorization header', () => {
    expect(readApiSettings(resource({ auth: { type: 'bearer', token: 't0k' } })).headers).toEqual({ authorization: 'Bearer t0k' });
    expect(readApiSettings(resource({ auth: { type: 'basic', username: 'u', password: 'p' } })).headers).toEqual({ authorization: `Basic ${Buffer.from('u:p').toString('base64')}` });
  });

  it('falls back to the default timeout for a stored config that predates it', () => {
    const stored = resource({});
    delete (stored.config as { timeoutMs?: number }).timeoutMs;
    expect(readApiSettings(stored).timeoutMs).toBe(30_000);
  });
});
