import { REDACTED } from '../../resources/secret-redaction';
import { redactRequest } from './redact';

describe('redactRequest', () => {
  it('masks secret-looking keys at any depth', () => {
    expect(redactRequest({ headers: { Authorization: 'Bearer abc', accept: 'json' }, auth: { password: 'p' } })).toEqual({
      headers: { Authorization: REDACTED, accept: 'json' },
      auth: { password: REDACTED },
    });
  });

  it('masks known secret values wherever they appear', () => {
    expect(redactRequest({ url: 'https://u:hunter22@host/x', body: ['hunter22'] }, ['hunter22'])).toEqual({
      url: `https://u:${REDACTED}@host/x`,
      body: [REDACTED],
    });
  });

  it('leaves other values and types alone', () => {
    expect(redactRequest({ n: 1, ok: true, nothing: null, list: [1, 'a'] })).toEqual({ n: 1, ok: true, nothing: null, list: [1, 'a'] });
  });
});
