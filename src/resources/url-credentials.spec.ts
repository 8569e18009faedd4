import { hasUrlCredentials, isSecretQueryParam, maskUrlCredentials, urlSecretParts } from './url-credentials';

describe('url credentials', () => {
  it('knows credential query parameters by name, in any case', () => {
    for (const name of ['token', 'access_token', 'API_KEY', 'apikey', 'key', 'sig', 'signature', 'X-Amz-Signature', 'password', 'client_secret']) {
      expect(isSecretQueryParam(name)).toBe(true);
    }
    for (const name of ['page', 'tokens', 'monkey', 'q']) expect(isSecretQueryParam(name)).toBe(false);
  });

  it('masks userinfo and credential parameters, keeping the other parameters as written; idempotent', () => {
    const masked = maskUrlCredentials('https://bob:pa%24s@api.example.com/v1?page=2&token=abc%2Fdef&q=a+b');
    expect(masked).toBe('https://***:***@api.example.com/v1?page=2&token=***&q=a+b');
    expect(maskUrlCredentials(masked)).toBe(masked);
    expect(maskUrlCredentials('https://h/x?page=1')).toBe('https://h/x?page=1');
  });

  it('tells whether a URL carries credentials', () => {
    expect(hasUrlCredentials('https://h/x?sig=1')).toBe(true);
    expect(hasUrlCredentials('https://tok@h/')).toBe(true);
    expect(hasUrlCredentials('https://h/x?token=')).toBe(false);
    expect(hasUrlCredentials('not a url')).toBe(false);
  });

  it('lists the credential strings in every form a request shows them', () => {
    expect(urlSecretParts('https://bob:pa%24s@h/?token=a%2Fb')).toEqual(['pa%24s', 'pa$s', Buffer.from('bob:pa$s').toString('base64'), 'a%2Fb', 'a/b']);
    // A user name alone is a token (https://TOKEN@host).
    expect(urlSecretParts('https://ghp_xyz@h/')).toEqual(['ghp_xyz', 'ghp_xyz', Buffer.from('ghp_xyz:').toString('base64')]);
  });
});
