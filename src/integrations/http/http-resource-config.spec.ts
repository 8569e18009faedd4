import { MASKED } from '../../resources/secret-fields';
import { httpSecretFields } from './http-resource-config.dto';

const paths = (config: Record<string, unknown>) => httpSecretFields(config).map((f) => f.path);

describe('http resource secret fields', () => {
  it('are the auth secrets, Cookie / X-Api-Key / Proxy-Authorization in any case, and the listed secretHeaders', () => {
    expect(paths({ baseUrl: 'https://h', headers: { cookie: 'a', 'X-API-KEY': 'b', 'Proxy-Authorization': 'c', Accept: 'd', 'X.Trace': 'e' }, secretHeaders: ['x.trace'] })).toEqual([
      'auth.token',
      'auth.password',
      'auth.value',
      'headers.cookie',
      'headers.X-API-KEY',
      'headers.Proxy-Authorization',
      'headers.X~1Trace',
    ]);
  });

  it('include baseUrl only when it carries credentials, masked in place', () => {
    expect(paths({ baseUrl: 'https://h/api' })).not.toContain('baseUrl');
    const field = httpSecretFields({ baseUrl: 'https://h/api?token=abc' }).find((f) => f.path === 'baseUrl')!;
    expect(field.mask!('https://h/api?token=abc')).toBe(`https://h/api?token=${MASKED}`);
    // The masked form names the same field, so a masked URL sent back is recognised.
    expect(paths({ baseUrl: `https://h/api?token=${MASKED}` })).toContain('baseUrl');
  });
});
