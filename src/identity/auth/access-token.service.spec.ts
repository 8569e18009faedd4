import { JwtService } from '@nestjs/jwt';
import { loadConfig } from '../../config/load-config';
import { AccessTokenService, accessTokenJwtOptions } from './access-token.service';

const USER = '0b8f1f5e-3c1d-4c39-9d2a-6f0e8d9c1a21';

describe('AccessTokenService', () => {
  const config = loadConfig({ NODE_ENV: 'test', JWT_SECRET: 'a'.repeat(40), JWT_ACCESS_TTL_SEC: '60' });
  const jwt = new JwtService(accessTokenJwtOptions(config));
  const tokens = new AccessTokenService(jwt, config);
  /** Signs arbitrary claims with the same secret given as a plain string (no default options). */
  const forger = new JwtService({});

  it('issues a token that verifies to the user id, with the configured lifetime', () => {
    const { accessToken, expiresIn } = tokens.issue(USER);
    expect(expiresIn).toBe(60);
    expect(tokens.verify(accessToken)).toBe(USER);
    const claims = jwt.decode(accessToken) as { exp: number; iat: number; typ: string };
    expect(claims.exp - claims.iat).toBe(60);
    expect(claims.typ).toBe('access');
  });

  it('refuses a token signed with another secret', () => {
    const otherConfig = loadConfig({ NODE_ENV: 'test', JWT_SECRET: 'b'.repeat(40) });
    const other = new AccessTokenService(new JwtService(accessTokenJwtOptions(otherConfig)), otherConfig);
    expect(() => tokens.verify(other.issue(USER).accessToken)).toThrow('Invalid or expired access token');
  });

  it('refuses an expired token', () => {
    const expired = forger.sign({ sub: USER, typ: 'access', exp: Math.floor(Date.now() / 1000) - 10 }, { secret: config.JWT_SECRET });
    expect(() => tokens.verify(expired)).toThrow('Invalid or expired access token');
  });

  it('refuses a validly signed token of another type, and alg=none', () => {
    const refreshLike = forger.sign({ sub: USER, typ: 'refresh' }, { secret: config.JWT_SECRET });
    expect(() => tokens.verify(refreshLike)).toThrow();
    const header = Buffer.from(JSON.stringify({ alg: 'none', typ: 'JWT' })).toString('base64url');
    const body = Buffer.from(JSON.stringify({ sub: USER, typ: 'access' })).toString('base64url');
    expect(() => tokens.verify(`${header}.${body}.`)).toThrow();
  });

  const nowSec = () => Math.floor(Date.now() / 1000);
  const forge = (claims: object, options: object = {}) => forger.sign(claims, { secret: config.JWT_SECRET, ...options });

  it('refuses a token without exp or without iat', () => {
    expect(() => tokens.verify(forge({ sub: USER, typ: 'access' }))).toThrow('Invalid or expired access token');
    expect(() => tokens.verify(forge({ sub: USER, typ: 'access', exp: nowSec() + 60 }, { noTimestamp: true }))).toThrow('Invalid or expired access token');
  });

  it('refuses a token issued longer ago than its lifetime plus skew, whatever its exp says', () => {
    expect(() => tokens.verify(forge({ sub: USER, typ: 'access', iat: nowSec() - 60 - 31, exp: nowSec() + 3600 }))).toThrow('Invalid or expired access token');
    expect(tokens.verify(forge({ sub: USER, typ: 'access', iat: nowSec() - 60, exp: nowSec() + 3600 }))).toBe(USER);
    expect(() => tokens.verify(forge({ sub: USER, typ: 'access', iat: nowSec() + 3600, exp: nowSec() + 7200 }))).toThrow('Invalid or expired access token');
  });

  it('refuses a subject that is not a user id', () => {
    for (const sub of ['user-1', '-'.repeat(36), 42, null, { id: USER }]) {
      expect(() => tokens.verify(forge({ sub, typ: 'access', exp: nowSec() + 60 }))).toThrow('Invalid or expired access token');
    }
  });
});

describe('AccessTokenService: tokens it has verified', () => {
  const config = loadConfig({ NODE_ENV: 'test', JWT_SECRET: 'c'.repeat(40), JWT_ACCESS_TTL_SEC: '60' });
  const jwt = new JwtService(accessTokenJwtOptions(config));
  const forger = new JwtService({});
  const nowSec = () => Math.floor(Date.now() / 1000);
  const forge = (claims: object) => forger.sign(claims, { secret: config.JWT_SECRET });

  afterEach(() => jest.useRealTimers());

  it('checks a repeated token once, and still refuses a token that differs in any byte', () => {
    const tokens = new AccessTokenService(jwt, config);
    const verify = jest.spyOn(jwt, 'verify');
    const { accessToken } = tokens.issue(USER);
    expect(tokens.verify(accessToken)).toBe(USER);
    expect(tokens.verify(accessToken)).toBe(USER);
    expect(verify).toHaveBeenCalledTimes(1);
    const [header, body, signature] = accessToken.split('.');
    const flipped = `${header}.${body}.${signature.slice(0, -2)}${signature.endsWith('AA') ? 'BB' : 'AA'}`;
    expect(() => tokens.verify(flipped)).toThrow('Invalid or expired access token');
    verify.mockRestore();
  });

  it('refuses a remembered token once it expires, and once it is older than its lifetime plus skew', () => {
    jest.useFakeTimers({ now: Date.now(), doNotFake: ['nextTick', 'setImmediate'] });
    const tokens = new AccessTokenService(jwt, config);
    const shortLived = forge({ sub: USER, typ: 'access', iat: nowSec(), exp: nowSec() + 10 });
    const longExp = forge({ sub: USER, typ: 'access', iat: nowSec(), exp: nowSec() + 3600 });
    expect(tokens.verify(shortLived)).toBe(USER);
    expect(tokens.verify(longExp)).toBe(USER);
    jest.setSystemTime(Date.now() + 11_000);
    expect(() => tokens.verify(shortLived)).toThrow('Invalid or expired access token');
    expect(tokens.verify(longExp)).toBe(USER);
    jest.setSystemTime(Date.now() + 80_000); // 91 s after iat: past 60 s TTL + 30 s skew, whatever exp says
    expect(() => tokens.verify(longExp)).toThrow('Invalid or expired access token');
  });
});
