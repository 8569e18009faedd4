import { Injectable } from '@nestjs/common';
import { JwtService } from '@nestjs/jwt';
import { AppConfig } from '../../config/app-config';
import { AppException } from '../../common/errors/app.exception';

interface AccessClaims {
  sub: string;
  typ: 'access';
}

/** Short-lived, stateless JWT access tokens (HS256). Revocation is handled by their short TTL + refresh rotation. */
@Injectable()
export class AccessTokenService {
  constructor(
    private readonly jwt: JwtService,
    private readonly config: AppConfig,
  ) {}

  issue(userId: string): { accessToken: string; expiresIn: number } {
    const claims: AccessClaims = { sub: userId, typ: 'access' };
    const accessToken = this.jwt.sign(claims, {
      secret: this.config.JWT_SECRET,
      expiresIn: this.config.JWT_ACCESS_TTL_SEC,
      algorithm: 'HS256',
    });
    return { accessToken, expiresIn: this.config.JWT_ACCESS_TTL_SEC };
  }

  verify(token: string): string {
    try {
      const claims = this.jwt.verify<AccessClaims>(token, { secret: this.config.JWT_SECRET, algorithms: ['HS256'] });
      if (claims.typ !== 'access' || typeof claims.sub !== 'string') throw new Error('wrong token type');
      return claims.sub;
    } catch {
      throw AppException.unauthenticated('Invalid or expired access token');
    }
  }
}
