import { JwtService } from '@nestjs/jwt';
import { loadConfig } from '../../config/load-config';
import { AccessTokenService, accessTokenJwtOptions } from './access-token.service';

describe('AccessTokenService', () => {
  const config = loadConfig({ JWT_SECRET: 'a'.repeat(40), JWT_ACCESS_TTL_SEC: '60' });
  const jwt = new JwtService(accessTokenJwtOptions(config));
  const tokens = new AccessTokenService(jwt, config);
  /** Signs arbitrary claims with the same secret given as a plain string (no default options). */
  const forger = new JwtService({});

  it('issues a token that verifies to the user id, with the configured lifetime', () => {
    const { accessToken, expiresIn } = tokens.issue('user-1');
    expect(expiresIn).toBe(60);
    expect(tokens.verify(accessToken)).toBe('user-1');
    const claims = jwt.decode(accessToken) as { exp: number; iat: number; typ: string };
    expect(claims.exp - claims.iat).toBe(60);
    expect(claims.typ).toBe('access');
  });

  it('refuses a token signed with another secret', () => {
    const otherConfig = loadConfig({ JWT_SECRET: 'b'.repeat(40) });
    const other = new AccessTokenService(new JwtService(accessTokenJwtOptions(otherConfig)), otherConfig);
    expect(() => tokens.verify(other.issue('user-1').accessToken)).toThrow('Invalid or expired access token');
  });

  it('refuses an expired token', () => {
    const expired = forger.sign({ sub: 'user-1', typ: 'access', exp: Math.floor(Date.now() / 1000) - 10 }, { secret: config.JWT_SECRET });
    expect(() => tokens.verify(expired)).toThrow('Invalid or expired access token');
  });

  it('refuses a validly signed token of another type, and alg=none', () => {
    const refreshLike = forger.sign({ sub: 'user-1', typ: 'refresh' }, { secret: config.JWT_SECRET });
    expect(() => tokens.verify(refreshLike)).toThrow();
    const header = Buffer.from(JSON.stringify({ alg: 'none', typ: 'JWT' })).toString('base64url');
    const body = Buffer.from(JSON.stringify({ sub: 'user-1', typ: 'access' })).toString('base64url');
    expect(() => tokens.verify(`${header}.${body}.`)).toThrow();
  });
});
