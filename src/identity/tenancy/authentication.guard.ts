import { type CanActivate, type ExecutionContext, Injectable } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { AppException } from '../../common/errors/app.exception';
import { IS_PUBLIC } from '../../common/http/public.decorator';
import { ApiKeysService } from '../api-keys/api-keys.service';
import { AccessTokenService } from '../auth/access-token.service';
import { UsersService } from '../users/users.service';
import type { AuthenticatedRequest, Principal } from './principal';
import { TEAM_ROLE } from './team-access.decorator';

/**
 * Global guard: every non-public route needs either a JWT access token (`Authorization: Bearer`) or a
 * team API key (`Authorization: Bearer ats_...` or `X-API-Key`).
 */
@Injectable()
export class AuthenticationGuard implements CanActivate {
  constructor(
    private readonly reflector: Reflector,
    private readonly accessTokens: AccessTokenService,
    private readonly apiKeys: ApiKeysService,
    private readonly users: UsersService,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    if (context.getType() !== 'http') return true;
    if (this.reflector.getAllAndOverride<boolean>(IS_PUBLIC, [context.getHandler(), context.getClass()])) return true;
    const request = context.switchToHttp().getRequest<AuthenticatedRequest>();
    // On team-scoped routes the team lookup that follows (TeamAccessGuard) checks that the user still
    // exists in the same statement as its roles, so it is not read twice on the busiest routes.
    const teamScoped = !!this.reflector.getAllAndOverride<string>(TEAM_ROLE, [context.getHandler(), context.getClass()]);
    request.principal = await this.authenticate(request.headers, { deferUserCheck: teamScoped });
    return true;
  }

  /** Also used by the live-update gateway to authenticate socket handshakes and SSE. */
  async authenticate(headers: Record<string, string | string[] | undefined>, options: { deferUserCheck?: boolean } = {}): Promise<Principal> {
    const credential = extractCredential(headers);
    if (!credential) throw AppException.unauthenticated('Send Authorization: Bearer <token> or X-API-Key');
    if (ApiKeysService.looksLikeKey(credential)) return this.apiKeys.authenticate(credential);
    const userId = this.accessTokens.verify(credential);
    if (options.deferUserCheck) return { kind: 'user', userId, unverified: true };
    await this.users.assertExists(userId);
    return { kind: 'user', userId };
  }
}

export function extractCredential(headers: Record<string, string | string[] | undefined>): string | undefined {
  const apiKey = headers['x-api-key'];
  if (typeof apiKey === 'string' && apiKey) return apiKey.trim();
  const authorization = headers.authorization;
  if (typeof authorization === 'string') {
    const match = /^Bearer\s+(\S+)$/i.exec(authorization.trim());
    if (match) return match[1];
  }
  return undefined;
}
