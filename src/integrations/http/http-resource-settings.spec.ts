import type { StepResource } from '../../steps/step-plugin';
import type { HttpResourceConfig } from './http-resource-config.dto';
import { httpResourceSettings, resolveUrl } from './http-resource-settings';

// Partial: a stored config may predate the defaults its DTO declares (tlsVerify, timeoutMs).
const resource = (config: Partial<HttpResourceConfig>): StepResource<HttpResourceConfig> => ({ id: 'r', name: 'api', type: 'http', version: 1, config: config as HttpResourceConfig });

describe('httpResourceSettings', () => {
  const api = resource({
    baseUrl: 'https://api.example.com:8443/v1',
    headers: { Accept: 'application/json', Cookie: 'sid=1', 'X-Trace': 't' },
    secretHeaders: ['x-trace'],
    auth: { type: 'apiKey', headerName: 'X-Key', value: 'k' },
    tlsVerify: false,
  });

  it('sends default headers and auth to the base URL origin; secret ones are dropped on a cross-origin redirect', () => {
    for (const url of ['orders', 'https://api.example.com:8443/other']) {
      const settings = httpResourceSettings(api, url);
      expect(settings.headers).toEqual({ Accept: 'application/json', Cookie: 'sid=1', 'X-Trace': 't', 'x-key': 'k' });
      expect(settings.originBoundHeaders).toEqual(['cookie', 'x-trace', 'x-key']);
      expect(settings.tlsVerify).toBe(false);
    }
  });

  it('sends none of them to another origin (host, port or scheme)', () => {
    for (const url of ['https://evil.example/x', 'https://api.example.com/v1', 'http://api.example.com:8443/v1']) {
      expect(httpResourceSettings(api, url)).toEqual({ url, headers: {}, originBoundHeaders: [], timeoutMs: undefined });
    }
  });

  it('bearer and basic auth become Authorization', () => {
    expect(httpResourceSettings(resource({ baseUrl: 'http://h', auth: { type: 'bearer', token: 't' } }), '/x').headers).toEqual({ authorization: 'Bearer t' });
    expect(httpResourceSettings(resource({ baseUrl: 'http://h', auth: { type: 'basic', username: 'u', password: 'p' } }), '/x').headers).toEqual({
      authorization: `Basic ${Buffer.from('u:p').toString('base64')}`,
    });
  });
});

describe('resolveUrl', () => {
  it('joins relative URLs onto the base; absolute ones win', () => {
    expect(resolveUrl('/orders', 'http://h/api/')).toBe('http://h/api/orders');
    expect(resolveUrl('orders', 'http://h')).toBe('http://h/orders');
    expect(resolveUrl('http://other/x', 'http://h')).toBe('http://other/x');
    expect(() => resolveUrl('x', undefined)).toThrow('relative');
  });

  it('keeps the base URL query (a token) and appends the step URL query after it', () => {
    expect(resolveUrl('/orders?page=2', 'http://h/api?token=abc')).toBe('http://h/api/orders?token=abc&page=2');
    expect(resolveUrl('orders', 'http://h/api/?token=abc')).toBe('http://h/api/orders?token=abc');
  });
});
